"""The in-memory size of an Arrow table that is built and written a part at a time."""

from __future__ import annotations

import numpy as np
import pyarrow as pa


class TableSize:
    """``Table.nbytes`` of the one table the added parts make together.

    Arrow counts, per array: the validity bitmap when it has nulls (not a struct's), the
    values (a bitmap for booleans), 4 bytes per row for the offsets of a string or list and
    the bytes of string data. All but the bitmaps add up over parts; those are counted once
    at the end.
    """

    def __init__(self) -> None:
        self._nodes: dict[tuple[int, ...], list] = {}

    def add(self, table: pa.Table) -> None:
        """Count one part: a table of the same schema."""
        for i, column in enumerate(table.columns):
            for chunk in column.chunks:
                self._add((i,), chunk)

    def _add(self, key: tuple[int, ...], array: pa.Array) -> None:
        node = self._nodes.setdefault(key, [array.type, 0, 0, 0])
        node[1] += len(array)
        node[2] += array.null_count
        kind = array.type
        if pa.types.is_string(kind) and len(array):
            offsets = np.frombuffer(array.buffers()[1], np.int32, len(array) + 1,
                                    4 * array.offset)
            node[3] += int(offsets[-1] - offsets[0])
        elif pa.types.is_list(kind):
            self._add((*key, 0), array.values)
        elif pa.types.is_struct(kind):
            for j in range(kind.num_fields):
                self._add((*key, j), array.field(j))

    def nbytes(self) -> int:
        """The size in bytes, as Arrow reports it for the whole table."""
        total = 0
        for kind, length, nulls, data in self._nodes.values():
            if nulls and not pa.types.is_struct(kind):
                total += (length + 7) // 8
            if pa.types.is_boolean(kind):
                total += (length + 7) // 8
            elif pa.types.is_string(kind) or pa.types.is_list(kind):
                total += 4 * length + data
            elif not pa.types.is_struct(kind):
                total += length * kind.bit_width // 8
        return total
