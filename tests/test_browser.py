"""The labeling page as annotators use it, in headless Chromium against a real Label Studio."""

from __future__ import annotations

import contextlib
import html
import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stancekit.cli import app
from stancekit.labeling.config import COMMENT_CONTROL, UNSURE, instructions
from stancekit.labeling.corpus import read_corpus
from stancekit.labeling.export import read_export
from stancekit.labeling.segment import segment_document
from stancekit.labeling.studio import ensure_project, push
from stancekit.labeling.tasks import build_tasks
from stancekit.schema import SCHEMA

pytestmark = [pytest.mark.browser, pytest.mark.studio]

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
SEED = REPO / "corpus" / "synthetic" / "articles.jsonl"
# A person the gazetteer does not pre-annotate in the seed article, for the annotator to add.
MISSED_NAME = "Khalifa Haftar"
PERSON = SCHEMA.entity_types[0]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic"]
TIMEOUT_MS = 30_000
COMMENT = "Is Haftar the source here?"


@pytest.fixture(scope="module")
def chromium(chromium_executable: str,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A headless Chromium browser context driven by Playwright, with a fresh profile."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"), executable_path=chromium_executable,
            headless=True, args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context
        finally:
            context.close()


@contextlib.contextmanager
def screenshot_on_failure(page, name: str) -> Iterator[None]:
    """Save the page as test-artifacts/<name>.png when the block fails."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        with contextlib.suppress(Exception):
            page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
        raise


def missed_name_tasks() -> list[dict]:
    """Pre-annotated tasks: the seed sentence naming MISSED_NAME first, then the next one."""
    for article in read_corpus(SEED):
        records = list(segment_document(article))
        for i, record in enumerate(records):
            if MISSED_NAME in record["text"]:
                return list(build_tasks(records[i:i + 2]))
    raise AssertionError(f"no seed sentence in {SEED} names {MISSED_NAME}")


def entity_spans(result: list[dict]) -> list[dict]:
    """The entity regions of a Label Studio result as {start, end, text, label}."""
    return [{"start": r["value"]["start"], "end": r["value"]["end"], "text": r["value"]["text"],
             "label": r["value"]["labels"][0]} for r in result if r["type"] == "labels"]


def drag_over(page, container, text: str) -> None:
    """Select *text* inside *container* with the mouse, from its first to its last letter."""
    box = container.evaluate("""(root, text) => {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const i = node.data.indexOf(text);
            if (i < 0) continue;
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + text.length);
            const b = range.getBoundingClientRect();
            return {x: b.x, y: b.y, width: b.width, height: b.height};
        }
        return null;
    }""", text)
    assert box is not None, f"{text!r} is not in one piece of rendered text"
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 1, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 1, y, steps=8)
    page.mouse.up()


def test_annotator_labels_a_sentence_in_the_browser(chromium, studio, tmp_path):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    tasks = missed_name_tasks()
    data, prediction = tasks[0]["data"], tasks[0]["predictions"][0]["result"]
    predicted_stance = next(r for r in prediction if r["type"] == "choices")
    predicted_stance = predicted_stance["value"]["choices"][0]
    # Any stance but the pre-annotated one, so the hotkey visibly changes the choice.
    stance = next(s for s in SCHEMA.stances if s.name != predicted_stance)
    predicted_entities = entity_spans(prediction)
    assert MISSED_NAME not in {e["text"] for e in predicted_entities}

    project = ensure_project(studio.client, "browser")
    push(studio.client, project, tasks)
    email, password = "annotator-ui@stancekit.test", secrets.token_urlsafe(16)
    invite = studio.client.organizations.invites.get_invite_link().invite_url

    page = chromium.new_page()
    with screenshot_on_failure(page, "test_browser-labeling"):
        # Annotators join through the organization's invite link and choose a password.
        page.goto(studio.url + invite)
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/(projects/?)?$"))
        [user] = [u.id for u in studio.client.users.list() if u.email == email]

        page.goto(f"{studio.url}/projects/{project.id}/data?labeling=1")
        guidelines = html.unescape(re.search(r"<h1>(.*?)</h1>", instructions()).group(1))
        modal = page.locator(".lsf-modal-ls_visible")
        expect(modal).to_contain_text(guidelines)
        page.keyboard.press("Escape")
        expect(modal).to_be_hidden()

        objects = page.locator(".lsf-richtext__container")
        context, sentence = objects.nth(0), objects.nth(1)
        expect(sentence).to_have_text(data["text"])
        # The context comes first, the sentence marked inside it.
        expect(context.locator("mark")).to_have_text(data["text"])
        highlights = sentence.locator(".htx-highlight")
        expect(highlights).to_have_text([e["text"] for e in predicted_entities])
        expect(page.locator(f"input[name='{predicted_stance}']")).to_be_checked()

        page.keyboard.press(stance.hotkey)
        expect(page.locator(f"input[name='{stance.name}']")).to_be_checked()
        page.keyboard.press(PERSON.hotkey)
        expect(page.locator(".lsf-label_selected")).to_contain_text(PERSON.name)
        drag_over(page, sentence, MISSED_NAME)
        expect(highlights).to_have_count(len(predicted_entities) + 1)
        expect(highlights.filter(has_text=MISSED_NAME)).to_be_visible()
        # Unsure, with a comment, and a dyad drawn with Alt+R from the added name.
        page.locator(f"input[name='{UNSURE}']").check()
        comment = page.locator(f"textarea[name='{COMMENT_CONTROL}']")
        comment.fill(COMMENT)
        comment.press("Enter")
        page.keyboard.press("Escape")
        target = next(e["text"] for e in predicted_entities if e["text"] != MISSED_NAME)
        highlights.filter(has_text=MISSED_NAME).first.click()
        page.keyboard.press("Alt+r")
        highlights.filter(has_text=target).first.click()
        page.screenshot(path=tmp_path / "labeled.png")

        page.get_by_role("button", name="Submit current annotation", exact=True).click()
        # The stream moves on to the next sentence once the annotation is saved.
        expect(sentence).to_have_text(tasks[1]["data"]["text"])

    out = tmp_path / "export.json"
    pulled = CliRunner().invoke(app, ["studio", "pull", "-o", str(out), "--project", "browser",
                                      "--url", studio.url,
                                      "--api-key-file", str(studio.server.token_file)])
    assert pulled.exit_code == 0, pulled.output
    [task] = [t for t in json.loads(out.read_text(encoding="utf-8"))
              if t["data"]["sentence_id"] == data["sentence_id"]]
    [annotation] = task["annotations"]
    assert annotation["completed_by"] == user
    text = task["data"]["text"]
    start = text.index(MISSED_NAME)
    added = {"start": start, "end": start + len(MISSED_NAME), "text": MISSED_NAME,
             "label": PERSON.name}
    spans = entity_spans(annotation["result"])
    assert added in spans
    assert all(text[s["start"]:s["end"]] == s["text"] for s in spans)
    assert sorted(spans, key=lambda s: s["start"]) == sorted(
        [*predicted_entities, added], key=lambda s: s["start"])

    [record] = [r for r in read_export(out).records if r["sentence_id"] == data["sentence_id"]]
    assert (record["annotator"], record["stance"]) == (user, stance.name)
    assert added in record["entities"]
    assert (record["unsure"], record["comment"]) == (True, COMMENT)
    assert {(d["source"]["text"], d["target"]["text"]) for d in record["dyads"]} >= {
        (MISSED_NAME, target)}
