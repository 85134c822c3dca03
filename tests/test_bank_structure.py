"""Structural checks of the built-in banks that need no loader: the format of
questions/README.md, translations, coverage of types and difficulties, unique ids,
and coverage of every point of the seed article.  Files are read with yaml.safe_load.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

QUESTIONS_DIR = Path(__file__).resolve().parents[1] / "questions"
# Every bank in questions/, whatever its name: a new bank is checked without listing it here.
STEMS = sorted(path.stem for path in QUESTIONS_DIR.glob("*.yaml"))
MIN_QUESTIONS_PER_BANK = 10
TYPES = {"single", "multi", "true-false", "numeric", "short", "card"}
FIGURES = {"sigmoid", "softmax-temperature", "two-class"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CJK = re.compile(r"[\u4e00-\u9fff]")
BANK_KEYS = {"bank", "title", "tags", "questions"}
COMMON_KEYS = {"id", "type", "difficulty", "tags", "prompt", "explanation", "references", "figure"}
TYPE_KEYS = {
    "single": {"choices"},
    "multi": {"choices"},
    "true-false": {"answer"},
    "numeric": {"answer", "tolerance"},
    "short": {"accept", "patterns"},
    "card": {"points"},
}
# words allowed in a language-neutral (plain string) choice: function names in formulas
NEUTRAL_WORDS = {"max", "min", "log", "exp", "tanh", "diag"}


def _read(stem: str) -> dict:
    with open(QUESTIONS_DIR / f"{stem}.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


BANKS = {stem: _read(stem) for stem in STEMS}
ALL = [(stem, q) for stem, bank in BANKS.items() for q in bank["questions"]]
BY_ID = {q["id"]: q for _, q in ALL}


def _prefix(stem: str) -> str:
    """A bank's id prefix: what its first question id has before the first hyphen."""
    return BANKS[stem]["questions"][0]["id"].split("-")[0] + "-"


def test_the_four_original_banks_are_still_there():
    assert {"sigmoid-softmax", "cross-entropy", "activations", "temperature"} <= set(STEMS)


def test_each_bank_has_its_own_id_prefix():
    prefixes = [_prefix(stem) for stem in STEMS]
    assert len(set(prefixes)) == len(prefixes), dict(zip(STEMS, prefixes))


def _is_text(value, *, chinese: bool = True) -> bool:
    """A bilingual text: {en, zh} with non-empty strings (zh containing Chinese)."""
    if not isinstance(value, dict) or set(value) != {"en", "zh"}:
        return False
    if not all(isinstance(v, str) and v.strip() for v in value.values()):
        return False
    return bool(CJK.search(value["zh"])) if chinese else True


def _is_neutral(value) -> bool:
    """A plain string is allowed only for formulas and numbers, the same in every language."""
    if not isinstance(value, str) or not value.strip():
        return False
    words = re.findall(r"[A-Za-z]{3,}", value)
    return all(w in NEUTRAL_WORDS for w in words) and not CJK.search(value)


# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_bank_file(stem):
    path = QUESTIONS_DIR / f"{stem}.yaml"
    raw = path.read_bytes()
    assert len(raw) < 2 * 1024 * 1024
    raw.decode("utf-8")  # UTF-8 throughout
    bank = BANKS[stem]
    assert isinstance(bank, dict) and set(bank) <= BANK_KEYS
    assert bank["bank"] == stem and SLUG.match(bank["bank"])
    assert _is_text(bank["title"])
    assert all(SLUG.match(t) for t in bank.get("tags", []))
    assert isinstance(bank["questions"], list) and len(bank["questions"]) >= MIN_QUESTIONS_PER_BANK


@pytest.mark.parametrize("stem", STEMS)
def test_no_anchors_or_aliases(stem):
    """The loader refuses anchors and aliases (billion-laughs defence); we use none."""
    with open(QUESTIONS_DIR / f"{stem}.yaml", encoding="utf-8") as fh:
        for event in yaml.parse(fh):
            assert not isinstance(event, yaml.AliasEvent), event
            assert getattr(event, "anchor", None) is None, event


def test_question_count_and_types():
    assert len(ALL) >= 80
    types = Counter(q["type"] for _, q in ALL)
    assert set(types) == TYPES, types
    assert all(n >= 4 for n in types.values()), types  # several of each type
    difficulties = Counter(q["difficulty"] for _, q in ALL)
    assert set(difficulties) == {1, 2, 3, 4, 5}, difficulties


def test_ids_unique_across_all_banks():
    """Ids are unique across every bank in questions/, not only the built-in four."""
    seen: dict[str, str] = {}
    for path in sorted(QUESTIONS_DIR.glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            bank = yaml.safe_load(fh)
        for q in bank.get("questions", []):
            assert q["id"] not in seen, f"{q['id']} in {path.name} and {seen[q['id']]}"
            seen[q["id"]] = path.name


@pytest.mark.parametrize(("stem", "qid"), [(s, q["id"]) for s, q in ALL])
def test_question_shape(stem, qid):
    q = BY_ID[qid]
    qtype = q["type"]
    assert qtype in TYPES
    assert SLUG.match(qid) and qid.startswith(_prefix(stem))
    assert set(q) <= COMMON_KEYS | TYPE_KEYS[qtype], set(q) - COMMON_KEYS - TYPE_KEYS[qtype]
    assert type(q["difficulty"]) is int and 1 <= q["difficulty"] <= 5
    assert all(SLUG.match(t) for t in q.get("tags", []))
    assert _is_text(q["prompt"]), "prompt needs en and zh"
    assert _is_text(q["explanation"]), "explanation needs en and zh"
    assert len(q["explanation"]["en"]) >= 150, "explanations say why, in a few sentences"
    assert q.get("figure", "sigmoid") in FIGURES
    for ref in q.get("references", []):
        assert set(ref) == {"title", "url"}
        assert isinstance(ref["title"], str) and ref["title"].strip()
        assert re.match(r"^https?://\S+$", ref["url"]), ref["url"]

    if qtype in ("single", "multi"):
        choices = q["choices"]
        assert isinstance(choices, list) and len(choices) >= 3
        texts = []
        for c in choices:
            assert set(c) <= {"text", "correct", "why"}
            assert _is_text(c["text"], chinese=False) or _is_neutral(c["text"]), c["text"]
            texts.append(str(c["text"]))
            if "correct" in c:
                assert isinstance(c["correct"], bool)
            if not c.get("correct"):
                assert _is_text(c.get("why")), f"wrong choice without a bilingual why: {c['text']}"
            elif "why" in c:
                assert _is_text(c["why"])
        assert len(set(texts)) == len(texts), "duplicate choices"
        n_correct = sum(bool(c.get("correct")) for c in choices)
        if qtype == "single":
            assert n_correct == 1
        else:
            assert 1 <= n_correct < len(choices)
    elif qtype == "true-false":
        assert isinstance(q["answer"], bool)
    elif qtype == "numeric":
        assert isinstance(q["answer"], (int, float)) and not isinstance(q["answer"], bool)
        tol = q.get("tolerance", {})
        assert isinstance(tol, dict) and set(tol) <= {"abs", "rel"} and tol
        for v in tol.values():  # `1e-3` without a dot would be a *string* in YAML 1.1
            assert isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0
    elif qtype == "short":
        assert q.get("accept") or q.get("patterns")
        assert all(isinstance(a, str) and a.strip() for a in q.get("accept", []))
        for p in q.get("patterns", []):
            re.compile(p)
    elif qtype == "card":
        assert isinstance(q["points"], list) and len(q["points"]) >= 3
        assert all(_is_text(p) for p in q["points"])


# Every point of the seed article -> the questions that cover it.
SEED_COVERAGE = {
    "sigmoid definition and range (0, 1)": ["ss-sigmoid-range", "ss-sigmoid-other-name"],
    "sigmoid derivative σ(1 − σ)": ["ss-sigmoid-derivative", "ss-sigmoid-grad-peak"],
    "derivative range (0, 0.25] (seed: (0, 0.25))": ["ss-sigmoid-grad-range"],
    "pros: output layer, continuous/differentiable": ["ss-sigmoid-output-pros"],
    "vanishing gradients": ["ss-vanishing-ten-layers", "ss-vanishing-causes"],
    "non-zero-centred output": ["ss-zero-centred-effect", "ss-zero-centred-card"],
    "cost of exp, FLOPs vs FLOPS, ReLU is cheap": ["ss-flops-meaning", "ss-exp-cost"],
    "multi-label with sigmoid (man? glasses?)": ["ss-multilabel-face", "ss-independent-sigmoids-sum"],
    "the thresholding example": ["ss-threshold-strict", "ss-threshold-one-based",
                                 "ss-threshold-five-classes"],
    "softmax definition, normalised exponential": ["ss-softmax-range", "ss-softmax-other-name"],
    "stable softmax (subtract the max)": ["ss-stable-softmax-why", "ss-softmax-shift-invariance",
                                         "ss-exp-overflow-float64"],
    "the seed's reference code and its bugs": ["ss-seed-code-bugs", "ss-seed-code-batch",
                                               "ss-seed-code-mutates", "ss-softmax-batched-card"],
    "softmax backward, two cases, matrix form": ["ss-jacobian-entry", "ss-jacobian-card",
                                                 "ss-backward-formula", "ss-jacobian-properties"],
    "mutually exclusive multi-class (ImageNet)": ["ss-multilabel-face", "act-sigmoid-still-used"],
    "exp widens gaps, softmax as confidence": ["ss-confidence-calibration"],
    "softmax as smooth argmax": ["ss-smooth-argmax", "temp-argmax-limit"],
    "softmax as a probability distribution": ["ss-softmax-range", "ss-confidence-calibration"],
    "joint probability on an undirected graph": ["ss-gibbs-distribution"],
    "two-class equivalence softmax([a, b])₁ = σ(b − a)": ["ss-two-class-equivalence",
                                                          "ss-two-class-value"],
    "one vs two output neurons, two-point vs binomial": ["ss-one-vs-two-neurons",
                                                         "ss-sigmoid-vs-softmax-card"],
}


@pytest.mark.parametrize("point", sorted(SEED_COVERAGE))
def test_seed_point_covered(point):
    for qid in SEED_COVERAGE[point]:
        assert qid in BY_ID, f"{point}: question {qid} is missing"


def test_seed_corrections_are_tagged():
    tagged = {qid for qid, q in BY_ID.items() if "seed-correction" in q.get("tags", [])}
    assert {"ss-sigmoid-grad-range", "ss-flops-meaning", "ss-seed-code-bugs",
            "ss-one-vs-two-neurons", "ss-threshold-five-classes", "ss-smooth-argmax",
            "ss-confidence-calibration", "ss-gibbs-distribution"} <= tagged


# The topics issue 15 found missing or thin -> questions that cover each (at least 3).
TOPIC_COVERAGE = {
    "attention softmax(QKᵀ/√d_k): √d_k, saturation, −inf masks, fully masked rows": [
        "att-sqrt-dk-variance", "att-sqrt-dk-why", "att-saturated-grad", "att-mask-multiply-after",
        "att-fully-masked-row", "att-mask-large-negative", "att-attention-card"],
    "cross-entropy as NLL/MLE and perplexity": [
        "lik-ce-is-nll", "lik-soft-target-minimum", "lik-perplexity-uniform",
        "lik-perplexity-from-loss", "lik-perplexity-bits", "lik-perplexity-facts"],
    "why sigmoid in logistic regression: log-odds, canonical link, separable data": [
        "lik-logodds", "lik-odds-ratio", "lik-glm-link", "lik-separable", "lik-separable-direction",
        "lik-logreg-card"],
    "InfoNCE / NT-Xent and the temperature (CLIP's learned τ)": [
        "con-infonce-is-ce", "con-infonce-bound", "con-ntxent-negatives", "con-temperature-effect",
        "con-clip-scale", "con-clip-loss", "con-clip-fixed-temp", "con-infonce-card"],
    "detection and multi-label: YOLOv3, RetinaNet π and α, pos_weight, asymmetric loss": [
        "det-yolov3-logistic", "det-prior-bias", "det-prior-why", "det-alpha-positives",
        "det-pos-weight", "det-pos-weight-optimum", "det-asl", "det-asl-value"],
    "margin softmax for faces: L-/A-Softmax, CosFace, ArcFace, the scale s": [
        "con-margin-forms", "con-arcface-value", "con-cosface-value", "con-scale-s", "con-arcface-card"],
    "online softmax and FlashAttention's running-max rescaling": [
        "att-online-update", "att-online-value", "att-flash-memory", "att-flash-exact"],
    "forward vs reverse KL": [
        "lik-mle-kl-direction", "lik-forward-reverse-fit", "lik-kl-facts", "lik-kl-value"],
    "Gumbel-softmax and straight-through": [
        "cal-gumbel-max", "cal-gumbel-noise", "cal-gumbel-temp", "cal-straight-through", "cal-st-unbiased"],
    "sampled / hierarchical softmax, negative sampling, NCE": [
        "con-unigram-power", "con-hierarchical-cost", "con-sampled-correction", "con-neg-vs-nce",
        "con-large-vocab"],
    "calibration metrics (ECE, Platt, isotonic) and MSP / energy OOD scores": [
        "cal-ece-definition", "cal-ece-value", "cal-ece-pitfalls", "cal-platt", "cal-isotonic-order",
        "cal-isotonic-small", "cal-msp", "cal-energy-value", "cal-energy-shift", "cal-energy-why",
        "cal-relu-far"],
    "multiclass hinge vs softmax loss": [
        "lik-hinge-value", "lik-softmax-same-scores", "lik-hinge-vs-softmax", "lik-hinge-beyond-margin"],
    "S11: exclusive classes, one-vs-rest sigmoids vs softmax": [
        "ss-exclusive-choice", "ss-ovr-renormalised", "ss-which-exclusive", "det-ovr-vs-softmax",
        "det-background", "det-ovr-name"],
    "S14: softmax and sigmoid inside networks: attention, gating, mixture of experts": [
        "att-moe-topk", "att-moe-balance", "att-gates", "att-qk-norm", "ss-se-gate", "ss-gates-inside"],
}


@pytest.mark.parametrize("topic", sorted(TOPIC_COVERAGE))
def test_issue_15_topic_covered(topic):
    ids = TOPIC_COVERAGE[topic]
    assert len(ids) >= 3 and len(set(ids)) == len(ids)
    missing = [qid for qid in ids if qid not in BY_ID]
    assert not missing, f"{topic}: missing {missing}"


def test_question_totals_of_issue_15():
    assert len(ALL) >= 200
    hard = sum(q["difficulty"] >= 4 for _, q in ALL)
    assert hard >= 0.30 * len(ALL), f"{hard} of {len(ALL)} at difficulty 4-5"
