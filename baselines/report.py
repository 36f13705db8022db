"""results.md: the baselines' scores as markdown tables researchers can paste."""

from __future__ import annotations

from stancekit.baselines.metrics import confusion_markdown
from stancekit.schema import SCHEMA


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def _stance_table(results: dict, split: str) -> list[str]:
    labels = SCHEMA.stance_names
    lines = ["| model | CV macro-F1 (train) | accuracy | macro-F1 | 95% CI | "
             + " | ".join(f"F1 {name}" for name in labels) + " |",
             "|---|" + "---:|" * (4 + len(labels))]
    best = results["stance"]["best_model"]
    for name, model in results["stance"]["models"].items():
        m = model["scores"][split]
        cv = _f(model["cv_macro_f1"])
        if model["cv_macro_f1_std"] is not None:
            cv += f" ± {model['cv_macro_f1_std']:.3f}"
        lo, hi = m["macro_f1_ci95"]
        shown = f"**{name}**" if name == best else name
        lines.append(f"| {shown} | {cv} | {_f(m['accuracy'])} | {_f(m['macro_f1'])} | "
                     f"{lo:.3f}–{hi:.3f} | "
                     + " | ".join(_f(m["per_label"][n]["f1"]) for n in labels) + " |")
    support = results["stance"]["models"][best]["scores"][split]["per_label"]
    lines += ["", "Support: " + ", ".join(f"{n} {support[n]['support']}" for n in labels) + "."]
    return lines


def _source_table(results: dict, split: str) -> list[str]:
    models = results["stance"]["models"]
    sources = list(next(iter(models.values())).get("scores_by_source", {}).get(split, {}))
    if not sources:
        return []
    lines = ["", f"Macro-F1 by source ({split}):", "",
             "| model | " + " | ".join(sources) + " |", "|---|" + "---:|" * len(sources)]
    for name, model in models.items():
        by = model["scores_by_source"][split]
        lines.append(f"| {name} | " + " | ".join(
            f"{by[s]['macro_f1']:.3f} ({by[s]['macro_f1_ci95'][0]:.3f}–"
            f"{by[s]['macro_f1_ci95'][1]:.3f})" for s in sources) + " |")
    counts = next(iter(models.values()))["scores_by_source"][split]
    return [*lines, "", "Sentences: " + ", ".join(f"{s} {counts[s]['n']}" for s in sources)
            + "."]


def _comparison(results: dict, split: str) -> list[str]:
    comp = results["stance"].get("comparison") or {}
    c = comp.get("splits", {}).get(split)
    if not c:
        return []
    lo, hi = c["ci95"]
    return ["", f"Paired bootstrap ({c['resamples']} resamples of documents), {comp['a']} − "
            f"{comp['b']} (the two best by CV): macro-F1 difference {c['difference']:+.3f} "
            f"(95% CI {lo:+.3f} to {hi:+.3f}); share of resamples where {comp['a']} does not "
            f"beat {comp['b']}: p = {c['p_value']:.3f}."]


def _ci(scores: dict) -> str:
    ci = scores.get("micro_f1_ci95")
    return f" Micro-F1 95% CI {ci[0]:.3f}–{ci[1]:.3f} (documents resampled)." if ci else ""


def _prf_table(first: str, rows: dict) -> list[str]:
    lines = [f"| {first} | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {name} | {_f(s['precision'])} | {_f(s['recall'])} | {_f(s['f1'])} | "
              f"{s['support']} |" for name, s in rows.items()]
    return lines


def _dyad_methods(results: dict, split: str) -> dict[str, dict]:
    """The dyad scores on *split* of the heuristic and, when trained, the learned model."""
    dy = results["dyads"]
    out = {"nearest-entity heuristic": dy["scores"][split]}
    learned = dy.get("learned")
    if learned and split in learned["scores"]:
        out["pair classifier"] = learned["scores"][split]
    return out


def _dyad_table(results: dict, split: str) -> list[str]:
    stances = [n for n in SCHEMA.stance_names if n != SCHEMA.default_stance]
    lines = ["| method | precision | recall | F1 | 95% CI | predicted | "
             + " | ".join(f"F1 {n}" for n in stances) + " |",
             "|---|" + "---:|" * (5 + len(stances))]
    methods = _dyad_methods(results, split)
    for name, s in methods.items():
        lo, hi = s.get("micro_f1_ci95", (0.0, 0.0))
        m = s["micro"]
        lines.append(f"| {name} | {_f(m['precision'])} | {_f(m['recall'])} | {_f(m['f1'])} | "
                     f"{lo:.3f}–{hi:.3f} | {m['predicted']} | "
                     + " | ".join(_f(s["per_stance"][n]["f1"]) for n in stances) + " |")
    support = next(iter(methods.values()))
    lines += ["", f"Gold dyads: {support['micro']['support']}; exact span match of source and "
              "target; 95% CI of micro-F1 from resampled documents."]
    learned = results["dyads"].get("learned")
    if learned and learned.get("cv_dyad_f1") is not None:
        d = learned["decoding"]
        lines += ["", f"Pair classifier: {learned['best_params']}, threshold {d['threshold']}, "
                  f"at most {d['max_dyads']} dyad(s) a sentence"
                  + (", at least one" if d["at_least_one"] else "")
                  + f"; chosen by grouped CV on train (dyad F1 {learned['cv_dyad_f1']:.3f}); "
                  + (f"parse features from {learned['parse_features']}."
                     if learned.get("parse_features") else "no parse features.")]
    return lines


def results_markdown(results: dict) -> str:
    """The report of a training run: stance, entity and dyad tables per evaluated split."""
    data, boot, sel = results["dataset"], results["bootstrap"], results["model_selection"]
    sizes = ", ".join(f"{name} {s['sentences']} sentences / {s['documents']} documents"
                      for name, s in data["splits"].items())
    out = [
        "# Baselines",
        "",
        f"Dataset sha256 `{data['sha256'][:16]}` ({sizes}); seed {results['seed']}. "
        f"Hyperparameters chosen by {sel['folds']}-fold {sel['method']} on {sel['data']} "
        f"(grouped by {sel['groups']}, {sel['scoring']}); the best model "
        f"(**bold**) is chosen by {results['stance']['best_by']}. 95% CIs: "
        f"{boot['resamples']} bootstrap resamples of {boot['unit']}s.",
    ]
    splits = next(iter(results["stance"]["models"].values()))["scores"]
    for split in splits:
        best = results["stance"]["best_model"]
        out += ["", f"## Stance ({split})", "", *_stance_table(results, split), "",
                f"Confusion matrix of {best} ({split}):", "",
                confusion_markdown(results["stance"]["models"][best]["scores"][split]["confusion"],
                                   SCHEMA.stance_names).rstrip()]
        out += _comparison(results, split)
        out += _source_table(results, split)
        if results["entities"]:
            ent = results["entities"]["scores"][split]
            out += ["", f"## Entities ({split}, exact span match)", "",
                    *_prf_table("type", {**ent["per_type"], "micro": ent["micro"]}), "",
                    _ci(ent).strip()]
        out += ["", f"## Dyads ({split}, on gold stance and entities)", "",
                *_dyad_table(results, split)]
    params = "; ".join(f"{name}: {m['best_params'] or 'no parameters'}"
                       for name, m in results["stance"]["models"].items())
    tagger = results["entities"]["best_params"] if results["entities"] else "not trained"
    out += ["", f"Best parameters: {params}; entity tagger: {tagger}.", ""]
    decided = {name: m["decision"] for name, m in results["stance"]["models"].items()
               if m.get("decision")}
    if decided:
        listed = "; ".join(f"{name}: {weights_text(d)} (out-of-fold macro-F1 {_gain(d)})"
                           for name, d in decided.items())
        out += ["Decision weights (a model predicts the stance of largest calibrated "
                "probability times its weight; chosen by macro-F1 of the out-of-fold "
                f"probabilities on train): {listed}.", ""]
    return "\n".join(out)


def weights_text(decision: dict) -> str:
    """A model's decision weights as "none 1, accusation 1.5, …"."""
    return ", ".join(f"{label} {w:g}" for label, w in decision["weights"].items())


def _gain(decision: dict) -> str:
    f1 = decision["out_of_fold_macro_f1"]
    return f"{f1['argmax']:.3f} → {f1['weighted']:.3f}"


def _tex(text: str) -> str:
    return text.replace("_", "\\_").replace("%", "\\%").replace("&", "\\&")


def results_latex(results: dict, split: str = "test") -> str:
    """A paper-ready LaTeX table (booktabs) of the stance models on *split*."""
    models = results["stance"]["models"]
    if split not in next(iter(models.values()))["scores"]:
        split = next(iter(next(iter(models.values()))["scores"]), split)
    labels = SCHEMA.stance_names
    best = results["stance"]["best_model"]
    lines = ["\\begin{table}[t]", "\\centering", "\\small",
             "\\begin{tabular}{l" + "r" * (4 + len(labels)) + "}", "\\toprule",
             "Model & CV macro-F1 & Acc. & Macro-F1 & 95\\% CI & "
             + " & ".join(f"F1 {_tex(n)}" for n in labels) + " \\\\", "\\midrule"]
    for name, m in models.items():
        s = m["scores"].get(split)
        if s is None:
            continue
        shown = f"\\textbf{{{_tex(name)}}}" if name == best else _tex(name)
        lo, hi = s["macro_f1_ci95"]
        lines.append(f"{shown} & {_f(m['cv_macro_f1'])} & {s['accuracy']:.3f} & "
                     f"{s['macro_f1']:.3f} & {lo:.3f}--{hi:.3f} & "
                     + " & ".join(f"{s['per_label'][n]['f1']:.3f}" for n in labels)
                     + " \\\\")
    n = next(iter(models.values()))["scores"][split]["n"] if models else 0
    lines += ["\\bottomrule", "\\end{tabular}",
              f"\\caption{{Stance baselines on the {split} split ({n} sentences). Model "
              f"selection by grouped {results['model_selection']['folds']}-fold "
              "cross-validation on train; 95\\% CIs from "
              f"{results['bootstrap']['resamples']} bootstrap resamples of documents.}}",
              "\\label{tab:stance-baselines}", "\\end{table}", ""]
    return "\n".join(lines + _dyad_latex(results, split))


def _dyad_latex(results: dict, split: str) -> list[str]:
    """A booktabs table of the dyad methods on *split*, side by side."""
    methods = _dyad_methods(results, split) if split in results["dyads"]["scores"] else {}
    if not methods:
        return []
    lines = ["\\begin{table}[t]", "\\centering", "\\small", "\\begin{tabular}{lrrrr}",
             "\\toprule", "Dyads & Precision & Recall & F1 & 95\\% CI \\\\", "\\midrule"]
    for name, s in methods.items():
        m, (lo, hi) = s["micro"], s.get("micro_f1_ci95", (0.0, 0.0))
        lines.append(f"{_tex(name)} & {m['precision']:.3f} & {m['recall']:.3f} & "
                     f"{m['f1']:.3f} & {lo:.3f}--{hi:.3f} \\\\")
    gold = next(iter(methods.values()))["micro"]["support"]
    return [*lines, "\\bottomrule", "\\end{tabular}",
            f"\\caption{{Source $\\rightarrow$ target dyads on the {split} split ({gold} gold "
            "dyads), on gold stance and gold entities; exact span match.}",
            "\\label{tab:dyad-baselines}", "\\end{table}", ""]
