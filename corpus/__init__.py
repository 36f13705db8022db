"""The bundled corpora, shipped as package data: `real/`, `synthetic/`, SOURCES.md, DATASHEET.md."""
