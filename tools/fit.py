#!/usr/bin/env python3
"""Fit the follow-up decision's weights on the development scenarios, and say whether they
generalise.

    python3 tools/fit.py --bin target/release/followup            # dump, fit, report, write
    python3 tools/fit.py --bin target/release/followup --no-write # report only

For every scenario (a directory with truth.json and steps/, as ../shared/eval-dev holds them)
it serves the recorded steps on 127.0.0.1, runs `followup poll` after each step exactly as
../shared/eval/score.py does, then `followup features --story ID`, which measures every
stored item at both stages. Items are labelled from truth.json. Then, on those features:

- stage 2 (the decision, article read): L2-regularised logistic regression, fitted by
  Newton's method from zero weights in a fixed order, so the same features give the same
  weights to the last bit; the decision threshold maximises F1 on the training items;
- stage 1 (which articles to read, title and summary only): the same model form, with the
  threshold that keeps 99 % of the training follow-ups;
- leave-one-scenario-out: each scenario scored by weights fitted without it — the number
  that says whether the weights carry over to stories never seen;
- the plain TF-IDF tracker (full text, IDF over the scenario's pages, one threshold fitted
  the same way) on the same split, the floor to beat.

The weights go to src/story/data/model.json (included in the binary at build time).
Features are cached in target/fit/ keyed by the binary's modification time; --refresh
dumps again.
"""
import argparse
import html.parser
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
sys.path.insert(0, os.path.join(SHARED, "eval"))
sys.dont_write_bytecode = True
from score import Site, materialise, path_of, write_config  # noqa: E402

FEATURES = [
    "topical",
    "lead_topical",
    "names",
    "lead_names",
    "novel",
    "novel_title",
    "novel_count",
    "novel_mentions",
    "novel_numbers",
    "known_title",
    "context_title",
    "context_lead",
    "rival",
    "entities",
    "entities_early",
    "anchors",
    "anchor_best",
    "distinct",
    "distinct_lead",
    "title_terms",
    "lone_name",
    "legacy",
    "days",
    "other_year",
    "article",
]
# The two settings the fit cannot learn by itself, checked with `--grid`: every setting
# gives a leave-one-out F1 within 0.82-0.835 (noise), but below L2 3 the crocus story, the
# one development story of another kind, falls from 0.783 to 0.600 when left out (its
# in-sample F1 stays), so the weights then carry over worse to stories unlike ECB+'s.
# This setting keeps both and crocus's in-sample F1 at 0.963.
L2 = 10.0
# Weights the development data cannot teach, set by hand and held fixed while fitting: every
# development scenario spans days, so nothing there says how much a year between the
# baseline and an item should count. A year away costs as much as the strongest name
# evidence gives; a story's `until` still applies on top.
FIXED = {"days": -2.0}
# How much each scenario counts, relative to one ECB+ scenario. The crocus story is the one
# development story of another kind (an explainer baseline, follow-ups from other angles),
# against twenty ECB+ topics of one kind; counted once, the weights would learn ECB+ alone.
SCENARIO_WEIGHT = {"crocus": 3.0}
STAGE1_RECALL = 0.99
# The share of true follow-ups whose figures may become a story's latest (issue 15: false
# follow-ups of a look-alike event set most latest figures on real local news). The
# development data say more would cost: the model's surest false matches (the same actor's
# other event) score as high as most true ones, so a stricter cut drops true latest figures
# for little precision.
CONFIDENT_RECALL = 0.95


def scenarios(roots):
    out = []
    for root in roots:
        if os.path.exists(os.path.join(root, "truth.json")):
            out.append(root)
            continue
        names = [n for n in os.listdir(root) if os.path.exists(os.path.join(root, n, "truth.json"))]
        names.sort(key=lambda n: (0, int(n), "") if n.isdigit() else (1, 0, n))
        out += [os.path.join(root, n) for n in names]
    return out


def dump(scn, binary):
    """Polls the scenario step by step, then measures every item; returns labelled rows."""
    truth = json.load(open(os.path.join(scn, "truth.json")))
    story = truth["story"]["id"]
    tmp = tempfile.mkdtemp(prefix="followup-fit-")
    site = None
    try:
        site = Site(os.path.join(tmp, "site"))
        base = f"http://127.0.0.1:{site.port}"
        materialise(scn, os.path.join(tmp, "site"), base)
        cfg = os.path.join(tmp, "feeds.toml")
        write_config(cfg, os.path.join(tmp, "followup.db"), base, truth, "auto")
        steps = sorted(os.listdir(os.path.join(scn, "steps")), key=int)
        for step in steps:
            site.step = step
            p = subprocess.run([binary, "--config", cfg, "poll"], capture_output=True, text=True)
            if p.returncode != 0:
                raise SystemExit(f"{scn}: poll at step {step} failed:\n{p.stderr[-2000:]}")
        p = subprocess.run([binary, "--config", cfg, "features", "--story", story],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit(f"{scn}: features failed:\n{p.stderr[-2000:]}")
        measured = {}
        for line in p.stdout.splitlines():
            row = json.loads(line)
            measured[path_of(row["url"])] = row
        texts = page_texts(os.path.join(tmp, "site", steps[-1]))
    finally:
        if site:
            site.close()
        shutil.rmtree(tmp, ignore_errors=True)
    rows = []
    baseline = path_of(truth["story"]["baseline_url"])
    for item in truth["items"]:
        key = path_of(item["url"])
        m = measured.get(key)
        rows.append({
            "scenario": os.path.basename(os.path.normpath(scn)),
            "url": key,
            "label": bool(item["relevant"]),
            "role": item.get("role"),
            "stage1": m and m["stage1"]["evidence"],
            "stage2": m and m["stage2"]["evidence"],
            "text": texts.get(key, ""),
        })
    rows.append({"scenario": rows[0]["scenario"] if rows else "", "url": baseline, "label": None,
                 "role": "baseline", "stage1": None, "stage2": None, "text": texts.get(baseline, "")})
    return rows


class ArticleText(html.parser.HTMLParser):
    """The text inside <article>, for the plain TF-IDF tracker."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "article" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def page_texts(site_root):
    out = {}
    for dirpath, _, files in os.walk(site_root):
        for f in files:
            if not f.endswith(".html"):
                continue
            path = os.path.join(dirpath, f)
            parser = ArticleText()
            parser.feed(open(path, encoding="utf-8", errors="replace").read())
            key = "/" + os.path.relpath(path, site_root).replace(os.sep, "/")
            out[key] = " ".join(parser.parts)
    return out


# ---------------------------------------------------------------- logistic regression

def vector(evidence):
    return [float(evidence.get(f, 0.0)) for f in FEATURES]


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def solve(a, b):
    """Gaussian elimination with partial pivoting; a is n x n."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        if abs(m[c][c]) < 1e-12:
            continue
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            if f:
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        s = m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))
        x[r] = s / m[r][r] if abs(m[r][r]) >= 1e-12 else 0.0
    return x


def fit(xs, ys, groups, l2=None, iterations=50):
    """Weights (bias last) of an L2-regularised logistic regression, by Newton's method.
    Every scenario counts the same, and within it positives and negatives count equally,
    so the twenty look-alike ECB+ scenarios do not outvote a story of another kind."""
    l2 = L2 if l2 is None else l2
    n = len(FEATURES) + 1
    w = [0.0] * n
    sizes = {}
    for y, g in zip(ys, groups):
        sizes[(g, y)] = sizes.get((g, y), 0) + 1
    share = {g: SCENARIO_WEIGHT.get(g, 1.0) for g in set(groups)}
    total = sum(share.values()) or 1.0
    weights = [share[g] / (total * 2 * sizes[(g, y)]) for y, g in zip(ys, groups)]
    for _ in range(iterations):
        grad = [0.0] * n
        hess = [[0.0] * n for _ in range(n)]
        for x, y, c in zip(xs, ys, weights):
            xb = x + [1.0]
            p = sigmoid(sum(a * b for a, b in zip(w, xb)) + offset(x))
            g = (p - (1.0 if y else 0.0)) * c
            h = p * (1 - p) * c
            for i in range(n):
                grad[i] += g * xb[i]
                for j in range(n):
                    hess[i][j] += h * xb[i] * xb[j]
        total = len(ys)
        for i in range(n - 1):  # the bias is not shrunk
            grad[i] += l2 * w[i] / total
            hess[i][i] += l2 / total
        for f in FIXED:  # held at zero here; `offset` adds them
            i = FEATURES.index(f)
            grad[i] = 0.0
            hess[i] = [0.0] * n
            hess[i][i] = 1.0
        step = solve(hess, grad)
        w = [a - b for a, b in zip(w, step)]
        if max(abs(s) for s in step) < 1e-10:
            break
    return w


def offset(x):
    return sum(v * x[FEATURES.index(f)] for f, v in FIXED.items())


def with_fixed(w):
    """The fitted weights with the fixed ones in their places."""
    out = list(w)
    for f, v in FIXED.items():
        out[FEATURES.index(f)] = v
    return out


def prob(w, x):
    return sigmoid(sum(a * b for a, b in zip(w, x + [1.0])) + offset(x))


def best_threshold(scores, ys):
    """The threshold with the best F1 on these items (ties: the lower one, for recall)."""
    pairs = sorted(zip(scores, ys), reverse=True)
    total_pos = sum(ys)
    best = (0.0, 0.5)
    tp = fp = 0
    for i, (s, y) in enumerate(pairs):
        tp += y
        fp += not y
        if i + 1 < len(pairs) and pairs[i + 1][0] == s:
            continue
        prec = tp / (tp + fp)
        rec = tp / total_pos if total_pos else 0
        f = 2 * prec * rec / (prec + rec) if prec + rec else 0
        nxt = pairs[i + 1][0] if i + 1 < len(pairs) else 0.0
        if f > best[0]:
            best = (f, (s + nxt) / 2)
    return best[1]


def macro_threshold(scores, ys, groups):
    """The threshold with the best mean F1 over scenarios (each weighted as in `fit`), so a
    threshold that suits the many look-alike scenarios does not sink a story of another kind."""
    cands = sorted(set(scores))
    best = (-1.0, 0.5)
    share = {g: SCENARIO_WEIGHT.get(g, 1.0) for g in set(groups)}
    for i, t in enumerate(cands):
        lo = cands[i - 1] if i else 0.0
        cut = (t + lo) / 2
        per = {}
        for s_, y, g in zip(scores, ys, groups):
            c = per.setdefault(g, [0, 0, 0])
            d = s_ >= cut
            c[0] += d and y
            c[1] += d and not y
            c[2] += (not d) and y
        total = sum(share[g] * prf(*c)[2] for g, c in per.items()) / sum(share[g] for g in per)
        if total > best[0]:
            best = (total, cut)
    return best[1]


def recall_threshold(scores, ys, recall):
    pos = sorted((s for s, y in zip(scores, ys) if y), reverse=True)
    if not pos:
        return 0.5
    k = min(len(pos) - 1, max(0, math.ceil(recall * len(pos)) - 1))
    return pos[k] - 1e-9


# ---------------------------------------------------------------- the plain TF-IDF tracker

WORD = re.compile(r"[a-z0-9]+")


def tfidf_scores(rows):
    """Cosine of each item's full text with the baseline's, IDF over the scenario's pages."""
    out = {}
    by_scn = {}
    for r in rows:
        by_scn.setdefault(r["scenario"], []).append(r)
    for scn, rs in by_scn.items():
        docs = {r["url"]: WORD.findall(r["text"].lower()) for r in rs}
        df = {}
        for words in docs.values():
            for w in set(words):
                df[w] = df.get(w, 0) + 1
        n = len(docs)

        def vec(words):
            tf = {}
            for w in words:
                tf[w] = tf.get(w, 0) + 1
            v = {w: (1 + math.log(c)) * math.log((n + 1) / (df.get(w, 0) + 1)) for w, c in tf.items()}
            norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
            return {w: x / norm for w, x in v.items()}

        base = [r for r in rs if r["role"] == "baseline"]
        bv = vec(docs[base[0]["url"]]) if base else {}
        for r in rs:
            if r["role"] == "baseline":
                continue
            v = vec(docs[r["url"]])
            out[(scn, r["url"])] = sum(x * bv.get(w, 0.0) for w, x in v.items())
    return out


# ---------------------------------------------------------------- scoring

def counts(decided):
    tp = sum(1 for d, y in decided if d and y)
    fp = sum(1 for d, y in decided if d and not y)
    fn = sum(1 for d, y in decided if not d and y)
    return tp, fp, fn


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def labelled(rows):
    return [r for r in rows if r["label"] is not None]


def xy(rows, stage):
    xs, ys, gs = [], [], []
    for r in labelled(rows):
        if r[stage]:
            xs.append(vector(r[stage]))
            ys.append(r["label"])
            gs.append(r["scenario"])
    return xs, ys, gs


def train(rows):
    x2, y2, g2 = xy(rows, "stage2")
    w2 = fit(x2, y2, g2)
    t2 = macro_threshold([prob(w2, x) for x in x2], y2, g2)
    x1, y1, g1 = xy(rows, "stage1")
    w1 = fit(x1, y1, g1)
    t1 = recall_threshold([prob(w1, x) for x in x1], y1, STAGE1_RECALL)
    model = {"stage2": (w2, t2), "stage1": (w1, t1)}
    model["confident"] = confident_threshold(model, rows)
    return model


def confident_threshold(model, rows):
    """The stage-2 probability at and above which a match's figures may become a story's
    latest: the cut that keeps CONFIDENT_RECALL of the training follow-ups the pipeline
    matches, so the least sure matches, where false ones crowd, are history only. Each
    scenario's follow-ups count as the scenario does in `fit`: pooled, the twenty ECB+ topics'
    surest matches would set a cut above most follow-ups of a story of another kind."""
    w2, t2 = model["stage2"]
    matched = [r for r in labelled(rows) if decide(model, r)[1] and r["label"]]
    sizes = {}
    for r in matched:
        sizes[r["scenario"]] = sizes.get(r["scenario"], 0) + 1
    share = {g: SCENARIO_WEIGHT.get(g, 1.0) / n for g, n in sizes.items()}
    scored = sorted(((prob(w2, vector(r["stage2"])), share[r["scenario"]]) for r in matched), reverse=True)
    total = sum(w for _, w in scored)
    kept = 0.0
    for s, w in scored:
        kept += w
        if kept >= CONFIDENT_RECALL * total - 1e-12:
            return max(t2, s - 1e-9)
    return t2


def decide(model, row):
    """Stage 1 then stage 2, as the pipeline decides; an unmeasured item is not matched."""
    if not row["stage1"] or not row["stage2"]:
        return False, False
    w1, t1 = model["stage1"]
    w2, t2 = model["stage2"]
    e1, e2 = row["stage1"], row["stage2"]
    # Stage 1 judges only items that name the story or share its vocabulary (the matcher's
    # `candidates` settles the rest by the scan alone).
    open_ = e1["entities"] > 0 or e1["topical"] >= 0.1
    asked = open_ and shares(e1) and (e1.get("named_early") or prob(w1, vector(e1)) >= t1)
    on_event = e2["topical"] >= 0.05 or e2["lead_topical"] >= 0.05 or e2["title_terms"] > 0
    return asked, asked and shares(e2) and e2.get("named") and on_event and prob(w2, vector(e2)) >= t2


def shares(e):
    """The matcher's rules around the weights (src/story/matcher.rs, `gates`): an item
    sharing no name, no title word and hardly any vocabulary is never read; a follow-up
    names the story and speaks of the event."""
    return e["entities"] > 0 or e["names"] > 0 or e["title_terms"] > 0 or e["topical"] >= 0.1


def report(name, decided):
    tp, fp, fn = counts(decided)
    p, r, f = prf(tp, fp, fn)
    print(f"{name:<34} P {p:.3f} R {r:.3f} F1 {f:.3f}   (tp {tp}, fp {fp}, fn {fn})")
    return f


def stage1_report(name, rows, model_of):
    asked = {"relevant": [0, 0], "similar-event": [0, 0], "other-topic": [0, 0]}
    for r in labelled(rows):
        kind = "relevant" if r["label"] else ("similar-event" if r["role"] == "similar-event" else "other-topic")
        a, _ = decide(model_of(r), r)
        asked[kind][0] += a
        asked[kind][1] += 1
    parts = [f"{k} {a}/{n} ({a / n:.1%})" for k, (a, n) in asked.items() if n]
    print(f"{name:<34} stage 1 asks for: " + ", ".join(parts))


def confident_report(name, rows, model_of):
    """How precise the confident matches are, and how many true follow-ups they keep."""
    tp = fp = pos = 0
    for r in labelled(rows):
        m = model_of(r)
        pos += bool(r["label"] and decide(m, r)[1])
        if decide(m, r)[1] and prob(m["stage2"][0], vector(r["stage2"])) >= m["confident"]:
            tp += bool(r["label"])
            fp += not r["label"]
    p = tp / (tp + fp) if tp + fp else 0.0
    kept = tp / pos if pos else 0.0
    print(f"{name:<34} confident matches (figures may be latest): P {p:.3f}, "
          f"{kept:.1%} of the true follow-ups matched")


def grid(rows, names):
    """Leave-one-out F1 (and the crocus story's in-sample F1) for each setting of the two
    hand-set values, to choose them by the number that says whether the fit carries over."""
    global L2
    keep = (L2, dict(SCENARIO_WEIGHT))
    for l2 in (1.0, 2.0, 3.0, 5.0, 10.0):
        for w in (2.0, 3.0, 4.0, 6.0):
            L2 = l2
            SCENARIO_WEIGHT["crocus"] = w
            loo = {n: train([r for r in rows if r["scenario"] != n]) for n in names}
            decided = [(decide(loo[r["scenario"]], r)[1], r["label"], r["scenario"]) for r in labelled(rows)]
            f = prf(*counts([(d, y) for d, y, _ in decided]))[2]
            le = prf(*counts([(d, y) for d, y, n in decided if n != "crocus"]))[2]
            lc = prf(*counts([(d, y) for d, y, n in decided if n == "crocus"]))[2]
            m = train(rows)
            c = prf(*counts([(decide(m, r)[1], r["label"]) for r in labelled(rows) if r["scenario"] == "crocus"]))[2]
            print(f"L2 {l2:>4}  crocus weight {w}:  leave-one-out F1 {f:.3f} (ECB+ {le:.3f}, crocus {lc:.3f})"
                  f"  crocus in-sample F1 {c:.3f}", flush=True)
    L2, w = keep
    SCENARIO_WEIGHT.clear()
    SCENARIO_WEIGHT.update(w)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", nargs="*", default=[os.path.join(SHARED, "eval-dev", "crocus"),
                                                   os.path.join(SHARED, "eval-dev", "ecb")])
    ap.add_argument("--refresh", action="store_true", help="measure again even if cached")
    ap.add_argument("--no-write", action="store_true", help="do not write the model file")
    ap.add_argument("--grid", action="store_true",
                    help="report leave-one-out F1 over a grid of L2 and crocus weights, then stop")
    ap.add_argument("--out", default=os.path.join(ROOT, "src", "story", "data", "model.json"))
    a = ap.parse_args()

    cache_dir = os.path.join(ROOT, "target", "fit")
    os.makedirs(cache_dir, exist_ok=True)
    stamp = str(int(os.path.getmtime(a.bin)))
    rows = []
    for scn in scenarios(a.data):
        name = os.path.basename(os.path.normpath(scn))
        cache = os.path.join(cache_dir, f"{name}.json")
        cached = None
        if os.path.exists(cache) and not a.refresh:
            with open(cache) as fh:
                cached = json.load(fh)
            if cached.get("stamp") != stamp:
                cached = None
        if cached is None:
            print(f"measuring {scn}", file=sys.stderr)
            cached = {"stamp": stamp, "rows": dump(scn, a.bin)}
            with open(cache, "w") as fh:
                json.dump(cached, fh)
        rows += cached["rows"]
    names = sorted({r["scenario"] for r in rows})

    if a.grid:
        return grid(rows, names)
    model = train(rows)
    report("in-sample (all scenarios)", [(decide(model, r)[1], r["label"]) for r in labelled(rows)])
    for n in names:
        report(f"  in-sample {n}", [(decide(model, r)[1], r["label"]) for r in labelled(rows) if r["scenario"] == n])
    loo = {}
    for n in names:
        loo[n] = train([r for r in rows if r["scenario"] != n])
    loo_decided = [(decide(loo[r["scenario"]], r)[1], r["label"]) for r in labelled(rows)]
    loo_f1 = report("leave-one-scenario-out", loo_decided)
    ecb = [r for r in labelled(rows) if r["scenario"] != "crocus"]
    report("  ECB+ only, leave-one-out", [(decide(loo[r["scenario"]], r)[1], r["label"]) for r in ecb])
    stage1_report("leave-one-scenario-out", rows, lambda r: loo[r["scenario"]])
    confident_report("leave-one-scenario-out", rows, lambda r: loo[r["scenario"]])

    tf = tfidf_scores(rows)
    def tf_train(rs):
        scores = [tf[(r["scenario"], r["url"])] for r in labelled(rs)]
        return best_threshold(scores, [r["label"] for r in labelled(rs)])
    t_all = tf_train(rows)
    report("TF-IDF tracker, in-sample", [(tf[(r["scenario"], r["url"])] >= t_all, r["label"]) for r in labelled(rows)])
    tf_loo = {n: tf_train([r for r in rows if r["scenario"] != n]) for n in names}
    tf_f1 = report("TF-IDF tracker, leave-one-out",
                   [(tf[(r["scenario"], r["url"])] >= tf_loo[r["scenario"]], r["label"]) for r in labelled(rows)])
    print(f"leave-one-out margin over TF-IDF: {loo_f1 - tf_f1:+.3f}")
    print("per scenario (leave-one-out):")
    for n in names:
        report(f"  {n}", [(decide(loo[n], r)[1], r["label"]) for r in labelled(rows) if r["scenario"] == n])

    w2, t2 = model["stage2"]
    w1, t1 = model["stage1"]
    w2, w1 = with_fixed(w2), with_fixed(w1)
    print(f"confident at stage-2 probability {model['confident']:.3f}")
    print("stage 2 weights:", ", ".join(f"{f} {w:+.3f}" for f, w in zip(FEATURES, w2)), f"bias {w2[-1]:+.3f}, threshold {t2:.3f}")
    print("stage 1 weights:", ", ".join(f"{f} {w:+.3f}" for f, w in zip(FEATURES, w1)), f"bias {w1[-1]:+.3f}, threshold {t1:.3f}")
    if not a.no_write:
        out = {
            "about": "Fitted by tools/fit.py on the development scenarios; do not edit by hand.",
            "features": FEATURES,
            "fixed": FIXED,
            "confident": round(model["confident"], 6),
            "stage2": {"weights": [round(w, 6) + 0.0 for w in w2[:-1]], "bias": round(w2[-1], 6), "threshold": round(t2, 6)},
            "stage1": {"weights": [round(w, 6) + 0.0 for w in w1[:-1]], "bias": round(w1[-1], 6), "threshold": round(t1, 6)},
        }
        with open(a.out, "w") as fh:
            json.dump(out, fh, indent=1)
            fh.write("\n")
        print("wrote", a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
