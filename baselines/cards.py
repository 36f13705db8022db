"""A model card per saved stance model: intended use, data, metrics, limits."""

from __future__ import annotations

from stancekit.baselines.report import weights_text
from stancekit.baselines.stance import FIXED
from stancekit.schema import SCHEMA


def _scores(model: dict) -> list[str]:
    lines = ["| split | n | accuracy | macro-F1 | 95% CI |", "|---|---:|---:|---:|---:|"]
    for split, s in model["scores"].items():
        lo, hi = s["macro_f1_ci95"]
        lines.append(f"| {split} | {s['n']} | {s['accuracy']:.3f} | {s['macro_f1']:.3f} | "
                     f"{lo:.3f}–{hi:.3f} |")
    return lines


def model_card(results: dict, name: str) -> str:
    """The markdown card of the saved stance model *name* of a training run."""
    model = results["stance"]["models"][name]
    data, sel = results["dataset"], results["model_selection"]
    sizes = ", ".join(f"{split} {s['sentences']} sentences / {s['documents']} documents"
                      for split, s in data["splits"].items())
    by_source = []
    for split, sources in model.get("scores_by_source", {}).items():
        by_source += [f"- {split}, {src}: macro-F1 {s['macro_f1']:.3f} (n={s['n']})"
                      for src, s in sources.items()]
    calibrated = ("This model learns nothing from the data; its scores are fixed."
                  if name in FIXED else
                  "Probabilities come from `CalibratedClassifierCV` (sigmoid) fit on the "
                  "same grouped folds." if model.get("calibration") else
                  "Trained without cross-validation folds, so its scores are not calibrated.")
    if model.get("decision"):
        calibrated += (" The predicted stance is the largest probability times its decision "
                       f"weight ({weights_text(model['decision'])}, chosen by out-of-fold "
                       "macro-F1 on train).")
    return "\n".join([
        f"# Model card: {name}",
        "",
        f"File `{model['file']}` (skops; load with `stancekit.baselines.persist.load_model`).",
        "",
        "## Intended use",
        "",
        "Sentence-level stance (" + ", ".join(f"`{s}`" for s in SCHEMA.stance_names) + ") of "
        "English political and diplomatic news: a baseline for research, and pre-annotations "
        "for Label Studio (`stancekit baselines predict --to-studio`), where annotators "
        "correct it. Not for deciding anything about a real person or state without a human "
        "reading the sentence.",
        "",
        "## Training data",
        "",
        f"Dataset sha256 `{data['sha256'][:16]}` ({sizes}). Hyperparameters "
        f"{model['best_params'] or '(none)'} chosen by {sel['method']} ({sel['folds']} folds, "
        f"grouped by {sel['groups']}, {sel['scoring']}) on {sel['data']}; cross-validated "
        f"macro-F1 {model['cv_macro_f1'] if model['cv_macro_f1'] is not None else 'n/a'}. "
        f"{calibrated} Seed {results['seed']}; packages: "
        + ", ".join(f"{k} {v}" for k, v in results["packages"].items()) + ".",
        "",
        "## Metrics",
        "",
        *_scores(model),
        "",
        f"95% CIs from {results['bootstrap']['resamples']} bootstrap resamples of documents.",
        *([""] + by_source if by_source else []),
        "",
        "## Limits",
        "",
        "- Trained on a few thousand sentences from three sources (Wikinews, Wikipedia "
        "Current events, US State Department releases); expect lower scores on other outlets, "
        "genres and periods, and check the per-source figures.",
        "- The rare stances (`denial`, `appeal`) have few training examples; their F1 has wide "
        "intervals.",
        "- A label is what the sentence says someone claimed, not whether the claim is true.",
        "- English only; the labels come from AI annotation agents (see the dataset's "
        "DATASHEET.md).",
        "",
    ])


def entity_card(results: dict) -> str:
    """The markdown card of the saved entity tagger of a training run."""
    ent, data = results["entities"], results["dataset"]
    rows = ["| split | micro P | micro R | micro F1 | 95% CI |", "|---|---:|---:|---:|---:|"]
    for split, s in ent["scores"].items():
        lo, hi = s.get("micro_f1_ci95", [0.0, 0.0])
        m = s["micro"]
        rows.append(f"| {split} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
                    f"{lo:.3f}–{hi:.3f} |")
    return "\n".join([
        "# Model card: entity tagger",
        "",
        f"File `{ent['file']}` (skops). {ent['model']}, BIO tags repaired into spans of "
        + ", ".join(f"`{t}`" for t in SCHEMA.entity_names) + ".",
        "",
        "## Intended use",
        "",
        "Entity pre-annotations of English news sentences for Label Studio, and a baseline.",
        "",
        "## Training data",
        "",
        f"Dataset sha256 `{data['sha256'][:16]}`, train split; `C` = {ent['best_params']} "
        f"chosen by GridSearchCV over documents (cross-validated micro-F1 "
        f"{ent['cv_micro_f1']}).",
        "",
        "## Metrics (exact span match)",
        "",
        *rows,
        "",
        "## Limits",
        "",
        "- Token features and a gazetteer: names unseen in training and not in the gazetteer "
        "are often missed; ORG is the weakest type.",
        "- English only.",
        "",
    ])
