"""Train triage's word model on the building parts and ship it as data.

    .venv/bin/pip install scikit-learn   # only for this script; PutRight never imports it
    .venv/bin/python scripts/train_triage.py [--check]

Fits TF-IDF over word 1-2-grams and character 2-5-grams on putright/triage/data/train.jsonl,
dev.jsonl, dev2.jsonl and dev3.jsonl (never heldout.jsonl), and two logistic regressions over them: one for
the kind (complaint / service request / compliment), one for the theme. Prints each one's 5-fold
cross-validated figures, and writes the fitted model to putright/triage/data/word_model.json:
per n-gram its idf, one weight per kind and one per theme. PutRight reads that file with plain
Python (putright/triage/model.py); the script checks that the plain-Python probabilities match
scikit-learn's on every training message before writing.
--check only prints the cross-validated figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if p not in ("", str(Path(__file__).resolve().parent))]
sys.path.insert(0, str(ROOT))

from putright.triage.evaluate import load, measure

OUT = ROOT / "putright" / "triage" / "data" / "word_model.json"
BUILD = ("train", "dev", "dev2", "dev3")
WORD = {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 1}
CHAR = {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True, "min_df": 2}
C = 10.0


def features():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    return make_union(TfidfVectorizer(**WORD), TfidfVectorizer(**CHAR))


def classifier():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=5000)


def cross_validated(rows: list[dict]) -> tuple[dict, dict]:
    from sklearn.model_selection import StratifiedKFold

    texts, kinds, themes = [r["text"] for r in rows], [r["kind"] for r in rows], [r["theme"] for r in rows]
    kind_of, theme_of = {}, {}
    for train_idx, test_idx in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, kinds):
        union = features().fit([texts[i] for i in train_idx])
        x_train, x_test = union.transform([texts[i] for i in train_idx]), union.transform([texts[i] for i in test_idx])
        kind_model = classifier().fit(x_train, [kinds[i] for i in train_idx])
        theme_model = classifier().fit(x_train, [themes[i] for i in train_idx])
        for i, kind, theme in zip(test_idx, kind_model.predict(x_test), theme_model.predict(x_test)):
            kind_of[texts[i]], theme_of[texts[i]] = kind, theme
    return kind_of, theme_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    rows = [row for name in BUILD for row in load(name)]
    kind_of, theme_of = cross_validated(rows)
    f = measure(rows, kind_of=kind_of.__getitem__, theme_of=theme_of.__getitem__)
    print(f"word model, 5-fold over {len(rows)} building messages: complaint recall {f.recall:.3f}, precision {f.precision:.3f}, "
          f"kind accuracy {f.kind_accuracy:.3f}, theme accuracy {f.theme_accuracy:.3f}")
    if args.check:
        return

    texts = [r["text"] for r in rows]
    union = features().fit(texts)
    x = union.transform(texts)
    heads = {"kind": classifier().fit(x, [r["kind"] for r in rows]), "theme": classifier().fit(x, [r["theme"] for r in rows])}
    parts, offset = {}, 0
    for name, vectorizer in union.transformer_list:
        table = {}
        for term, i in sorted(vectorizer.vocabulary_.items()):
            entry = [round(float(vectorizer.idf_[i]), 5)]
            for head in heads.values():
                entry += [round(float(w), 5) for w in head.coef_[:, offset + i]]
            table[term] = entry
        parts[name] = table
        offset += len(vectorizer.vocabulary_)
    names = [name for name, _ in union.transformer_list]
    data = {
        "about": "Triage's word model: TF-IDF word 1-2-grams and char_wb 2-5-grams, a logistic regression for the kind and one for the theme, trained by scripts/train_triage.py on " + ", ".join(f"{b}.jsonl" for b in BUILD) + ". Each n-gram: idf, then a weight per kind, then a weight per theme.",
        "heads": {name: {"classes": [str(c) for c in head.classes_], "intercept": [round(float(b), 5) for b in head.intercept_]} for name, head in heads.items()},
        "word": parts[names[0]], "char": parts[names[1]],
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")

    from putright.triage import model as plain

    plain._load.cache_clear()
    plain._vector.cache_clear()
    worst = 0.0
    for name, head in heads.items():
        for text, probs in zip(texts, head.predict_proba(x)):
            mine = plain.read(text, name)[0]
            worst = max(worst, max(abs(mine[str(c)] - p) for c, p in zip(head.classes_, probs)))
    assert worst < 1e-3, f"plain-Python probabilities differ from scikit-learn's by {worst}"
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KB); plain Python matches scikit-learn within {worst:.1e}")


if __name__ == "__main__":
    main()
