"""Score a built graph against hand-made gold facts (``kg eval``).

A faithful reimplementation of the matching rules of the gold set's ``score.py`` (see its
README): the six competency queries are run over the graph, rows are compared per document and
category, and precision / recall / F1 are reported per category and overall. A test checks that
this module and ``score.py`` print the same table.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kg.errors import InputError

CATEGORIES = ("people", "organizations", "posts", "participants", "meetings", "initiatives")
STOP = {"the", "of", "and", "a", "an", "for", "in", "on", "to", "at", "s"}
TITLE_HEADS = [
    ("deputy secretary general", "deputy secretary general"),
    ("general secretary", "general secretary"),
    ("secretary general", "secretary general"),
    ("executive vice governor", "vice governor"),
    ("deputy party secretary", "deputy secretary"),
    ("vice party secretary", "deputy secretary"),
    ("deputy secretary", "deputy secretary"),
    ("vice secretary", "deputy secretary"),
    ("party secretary", "secretary"),
    ("party chief", "secretary"),
    ("vice governor", "vice governor"),
    ("deputy governor", "vice governor"),
    ("acting governor", "governor"),
    ("vice mayor", "vice mayor"),
    ("deputy mayor", "vice mayor"),
    ("acting mayor", "mayor"),
    ("vice chairwoman", "vice chairman"),
    ("vice chairman", "vice chairman"),
    ("vice chairperson", "vice chairman"),
    ("vice chair", "vice chairman"),
    ("deputy chairman", "vice chairman"),
    ("deputy director", "deputy director"),
    ("vice director", "deputy director"),
    ("vice minister", "vice minister"),
    ("deputy minister", "vice minister"),
    ("vice premier", "vice premier"),
    ("deputy head", "deputy head"),
    ("vice head", "deputy head"),
    ("vice president", "vice president"),
    ("chairwoman", "chairman"),
    ("chairperson", "chairman"),
    ("chairman", "chairman"),
    ("chair", "chairman"),
    ("secretary", "secretary"),
    ("governor", "governor"),
    ("mayor", "mayor"),
    ("director", "director"),
    ("minister", "minister"),
    ("premier", "premier"),
    ("president", "president"),
    ("member", "member"),
    ("head", "head"),
]
ROLES = {
    "presided": "presided",
    "chaired": "presided",
    "hosted": "presided",
    "presiding": "presided",
    "chair": "presided",
    "spoke": "spoke",
    "speaker": "spoke",
    "addressed": "spoke",
    "delivered speech": "spoke",
    "speech": "spoke",
    "attended": "attended",
    "attendee": "attended",
    "participant": "attended",
    "participated": "attended",
}


def norm(s: object) -> str:
    """Unicode-normalised, case-folded, without quotes, possessives, a leading "the" and punctuation."""
    s = unicodedata.normalize("NFKC", str(s or ""))
    s = re.sub(r"[\u2018\u2019\u201c\u201d\"`]", "", s)
    s = s.casefold().replace("\u2019s", "").replace("'s ", " ")
    s = re.sub(r"'s$", "", s)
    s = re.sub(r"[-\u2013\u2014_/]", " ", s)
    s = re.sub(r"[^\w\s()]", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r"^the ", "", s)


def _tokens(s: str) -> set[str]:
    return {t for t in re.findall(r"\w+", norm(s)) if t not in STOP}


def similar(pred: str, names: list[str]) -> float:
    """Best token Jaccard of ``pred`` against ``names``; 0.95 when it covers a two-word-or-longer name."""
    p, best = _tokens(pred), 0.0
    for n in names:
        g = _tokens(n)
        if not g or not p:
            continue
        if norm(pred) == norm(n):
            return 1.0
        if len(g) >= 2 and g <= p and len(p) <= 2 * len(g) + 2:
            best = max(best, 0.95)
        best = max(best, len(p & g) / len(p | g))
    return best


def title_head(title: str) -> str:
    t = norm(title)
    for pat, head in TITLE_HEADS:
        if re.search(rf"\b{pat}\b", t):
            return head
    return t


def doc_key(value: object) -> str:
    s = re.split(r"[/#]", str(value or "").rstrip("/"))[-1]
    return re.sub(r"\.(txt|md|html?)$", "", s)


def date_key(value: object) -> str | None:
    s = str(value or "").strip()
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = re.search(r"--(\d{2})-(\d{2})", s)
    return f"--{m.group(1)}-{m.group(2)}" if m else None


def _same_date(gold: str, pred: str) -> bool:
    return pred[-6:] == gold[-6:] if gold.startswith("--") else gold == pred


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, tp: int, fp: list, fn: list, doc: str) -> None:
        self.tp += tp
        self.fp += len(fp)
        self.fn += len(fn)
        self.errors += [f"{doc}: missed {x}" for x in fn] + [f"{doc}: spurious {x}" for x in fp]

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _fuzzy(preds: list[str], golds: list[list[str]], optional: list[str], threshold: float):
    pairs = sorted(((similar(p, g), i, j) for i, p in enumerate(preds) for j, g in enumerate(golds)), reverse=True)
    used_p, used_g = set(), set()
    for sc, i, j in pairs:
        if sc < threshold:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    spurious = [
        p
        for i, p in enumerate(preds)
        if i not in used_p and similar(p, optional) < threshold and not any(similar(p, g) >= threshold for g in golds)
    ]
    return len(used_g), spurious, [g[0] for j, g in enumerate(golds) if j not in used_g]


def load_gold(gold_dir: str | Path) -> dict[str, dict]:
    """Gold JSON files of a folder, keyed by document."""
    paths = sorted(Path(gold_dir).glob("*.json"))
    if not paths:
        raise InputError(f"{gold_dir}: no gold *.json files")
    out = {}
    for p in paths:
        try:
            g = json.loads(p.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{p}: not a gold JSON file ({exc})") from exc
        out[doc_key(g["doc"])] = g
    return out


def query_rows(store) -> dict[str, list[dict[str, str]]]:  # noqa: ANN001 - a pyoxigraph Store or kg.query source
    """Run the six named competency queries of ``kg/queries`` over a loaded store (kg.query's engine)."""
    from kg.query import run_query

    rows = {}
    for cat in CATEGORIES:
        text = resources.files("kg.queries").joinpath(f"{cat}.rq").read_text(encoding="utf-8")
        result = run_query(store, text)
        rows[cat] = [{k: v or "" for k, v in zip(result.vars, row, strict=True)} for row in result.rows]
    return rows


def score(rows: dict[str, list[dict[str, str]]], gold: dict[str, dict]) -> dict[str, Tally]:
    """Tallies per category under the gold set's matching rules."""
    by_doc: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for cat, rs in rows.items():
        for r in rs:
            by_doc[doc_key(r.get("doc"))][cat].append(r)
    t = {c: Tally() for c in CATEGORIES}
    for doc, g in gold.items():
        pr = by_doc.get(doc, {})
        pred = {norm(r.get("name")) for r in pr.get("people", [])} - {""}
        gp = {norm(n) for n in g["people"]}
        opt = {norm(n) for n in g.get("optional_people", [])}
        t["people"].add(len(pred & gp), sorted(pred - gp - opt), sorted(gp - pred), doc)
        preds = sorted({r.get("name", "") for r in pr.get("organizations", [])} - {""})
        golds = [[o["name"], *o.get("aliases", [])] for o in g["organizations"]]
        t["organizations"].add(*_fuzzy(preds, golds, g.get("optional_organizations", []), 0.6), doc)
        _score_posts(t["posts"], pr.get("posts", []), g, doc)
        pred_part = {
            (norm(r.get("name")), ROLES.get(norm(r.get("role")), norm(r.get("role"))))
            for r in pr.get("participants", [])
        }
        gold_part = {(norm(p["person"]), p["role"]) for m in g["meetings"] for p in m["participants"]}
        t["participants"].add(
            len(pred_part & gold_part),
            sorted(map(str, pred_part - gold_part)),
            sorted(map(str, gold_part - pred_part)),
            doc,
        )
        _score_meetings(t["meetings"], pr.get("meetings", []), g, doc)
        preds = sorted({r.get("name", "") for r in pr.get("initiatives", [])} - {""})
        golds = [[i["name"], *i.get("aliases", [])] for i in g["initiatives"]]
        t["initiatives"].add(*_fuzzy(preds, golds, g.get("optional_initiatives", []), 0.6), doc)
    return t


def _score_posts(tally: Tally, rows: list[dict[str, str]], g: dict, doc: str) -> None:
    pred = {
        (
            norm(r.get("name")),
            title_head(r.get("title", "")),
            norm(" ".join([r.get("title", ""), r.get("org", ""), r.get("region", "")])),
        )
        for r in rows
    }
    hit, missed = set(), []
    for p in g["posts"]:
        person, head, key = norm(p["person"]), title_head(p["title"]), [norm(k) for k in p.get("key", [])]
        m = next((pp for pp in pred if pp[0] == person and pp[1] == head and all(k in pp[2] for k in key)), None)
        if m is None:
            missed.append(f"{p['person']} / {p['title']} / {p['org']}")
        else:
            hit.add(m)
    keys = {(pp[0], pp[1]) for pp in hit}
    spurious = sorted(f"{pp[0]} / {pp[1]} / {pp[2]}" for pp in pred - hit if (pp[0], pp[1]) not in keys)
    tally.add(len(g["posts"]) - len(missed), spurious, missed, doc)


def _score_meetings(tally: Tally, rows: list[dict[str, str]], g: dict, doc: str) -> None:
    gold_dates = {m["date"] for m in g["meetings"] if m.get("date")}
    gold_places = {
        (m["date"], norm(m["place"]))
        for m in g["meetings"]
        if m.get("date") and m.get("place") and m.get("place_stated", True)
    }
    pred_dates = {date_key(r.get("date")) for r in rows} - {None}
    pred_places = {(date_key(r.get("date")), norm(r.get("place"))) for r in rows if r.get("place")}
    hit_d = {gd for gd in gold_dates if any(_same_date(gd, pd) for pd in pred_dates)}
    spur_d = {pd for pd in pred_dates if not any(_same_date(gd, pd) for gd in gold_dates)}
    hit_pl = {gp for gp in gold_places if any(pd and _same_date(gp[0], pd) and gp[1] in pl for pd, pl in pred_places)}
    tally.add(
        len(hit_d) + len(hit_pl),
        sorted(spur_d),
        sorted(gold_dates - hit_d) + sorted(map(str, gold_places - hit_pl)),
        doc,
    )


def format_scores(tallies: dict[str, Tally], show_errors: bool = False) -> str:
    """The same table ``score.py`` prints (and, optionally, every miss and false hit)."""
    lines = [f"{'category':14} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn"]
    total = Tally()
    for c, tl in tallies.items():
        p, r, f = tl.prf()
        lines.append(f"{c:14} {p:6.3f} {r:6.3f} {f:6.3f}  {tl.tp:3} {tl.fp:3} {tl.fn:3}")
        total.tp, total.fp, total.fn = total.tp + tl.tp, total.fp + tl.fp, total.fn + tl.fn
    p, r, f = total.prf()
    lines.append(f"{'overall':14} {p:6.3f} {r:6.3f} {f:6.3f}  {total.tp:3} {total.fp:3} {total.fn:3}")
    if show_errors:
        lines += [f"[{c}] {e}" for c, tl in tallies.items() for e in tl.errors]
    return "\n".join(lines)


def evaluate_graph(graph_path: str | Path, gold_dir: str | Path) -> dict[str, Tally]:
    """Score an exported graph file against a gold folder."""
    from kg.store.oxstore import load_store

    return score(query_rows(load_store(Path(graph_path))), load_gold(gold_dir))


def evaluate(
    sources: list[str], gold_dir: str | Path, out_dir: str | Path | None = None, *, force: bool = False
) -> dict[str, Tally]:
    """Build ``sources`` (into ``out_dir`` or a temporary folder) and score the graph against ``gold_dir``."""
    import tempfile

    from kg.build.runner import build

    load_gold(gold_dir)  # fail early on a bad gold folder
    with tempfile.TemporaryDirectory(prefix="kg-eval-") as tmp:
        target = Path(out_dir) if out_dir else Path(tmp)
        summary = build(sources, target, html=False, force=force)
        return evaluate_graph(summary.outputs["trig"], gold_dir)
