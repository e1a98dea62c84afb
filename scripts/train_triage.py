"""Train triage's word model on the building parts and ship it as data.

    .venv/bin/pip install scikit-learn   # only for this script; PutRight never imports it
    .venv/bin/python scripts/train_triage.py [--check]

Fits a logistic regression (complaint / service request / compliment) over word 1-2-grams and
character 2-5-grams (TF-IDF) on putright/triage/data/train.jsonl and dev.jsonl (never
heldout.jsonl), prints its 5-fold cross-validated figures, and writes the fitted model to
putright/triage/data/kind_model.json: per n-gram its idf and one weight per kind. PutRight reads
that file with plain Python (putright/triage/model.py); the script checks that the plain-Python
probabilities match scikit-learn's on every training message before writing.
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

from putright.triage.evaluate import load, measure  # noqa: E402

OUT = ROOT / "putright" / "triage" / "data" / "kind_model.json"
WORD = {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 1}
CHAR = {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True, "min_df": 2}
C = 10.0


def fit(texts, kinds):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    model = make_pipeline(make_union(TfidfVectorizer(**WORD), TfidfVectorizer(**CHAR)), LogisticRegression(C=C, max_iter=5000))
    return model.fit(texts, kinds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    from sklearn.model_selection import StratifiedKFold

    rows = load("train") + load("dev")
    texts, kinds = [r["text"] for r in rows], [r["kind"] for r in rows]
    predicted = {}
    for train_idx, test_idx in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, kinds):
        model = fit([texts[i] for i in train_idx], [kinds[i] for i in train_idx])
        for i, kind in zip(test_idx, model.predict([texts[i] for i in test_idx])):
            predicted[texts[i]] = kind
    f = measure(rows, kind_of=predicted.__getitem__)
    print(f"word model, 5-fold over {len(rows)} building messages: complaint recall {f.recall:.3f}, precision {f.precision:.3f}, kind accuracy {f.kind_accuracy:.3f}")
    if args.check:
        return

    model = fit(texts, kinds)
    union, lr = model.steps[0][1], model.steps[1][1]
    classes = [str(c) for c in lr.classes_]
    coef = lr.coef_
    parts, offset = {}, 0
    for name, vectorizer in union.transformer_list:
        vocab = vectorizer.vocabulary_
        parts[name] = {
            term: [round(float(vectorizer.idf_[i]), 6)] + [round(float(coef[k][offset + i]), 6) for k in range(len(classes))]
            for term, i in sorted(vocab.items())
        }
        offset += len(vocab)
    names = [name for name, _ in union.transformer_list]
    data = {
        "about": "Triage's word model: logistic regression over TF-IDF word 1-2-grams and char_wb 2-5-grams, trained by scripts/train_triage.py on train.jsonl and dev.jsonl.",
        "classes": classes, "intercept": [round(float(b), 6) for b in lr.intercept_],
        "word": parts[names[0]], "char": parts[names[1]],
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")

    from putright.triage import model as plain

    plain._load.cache_clear()
    worst = 0.0
    for text, probs in zip(texts, model.predict_proba(texts)):
        mine = plain.probabilities(text)
        worst = max(worst, max(abs(mine[c] - p) for c, p in zip(classes, probs)))
    assert worst < 1e-3, f"plain-Python probabilities differ from scikit-learn's by {worst}"
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KB); plain Python matches scikit-learn within {worst:.1e}")


if __name__ == "__main__":
    main()
