"""Lecture 10's router observed on texts it has never seen (autograde.tasks.probes_router): the pickled model
predicts in the sandbox without the student's data; only the trusted inspection of its predictions counts."""

from __future__ import annotations

import base64
import pickle

import pytest
from crmlab.autograde.observe import observe
from crmlab.autograde.sandbox import Sandbox, resolve
from crmlab.autograde.tasks.analytical import q8
from crmlab.autograde.tasks.probes_router import ROUTER_PROBE, model_artefact, with_texts
from crmlab.autograde.verdict import judge

TRAIN = ["parcel late again", "where is my parcel", "box arrived broken", "item broken on arrival",
         "refund not received", "still waiting for my refund"]
LABELS = ["delay", "delay", "damaged", "damaged", "refund", "refund"]
NEW = ["my parcel is late", "the box was broken", "no refund yet"]
WANT = ["delay", "damaged", "refund"]


class _Reads:
    """Unpickles (in the sandbox) into ``eval(code)``: a forged 'model' that tries to read the data folder."""

    def __init__(self, code):
        self.code = code

    def __reduce__(self):
        return eval, (self.code,)


@pytest.fixture(scope="module")
def box():
    kind, _ = resolve("auto")
    return Sandbox(kind=kind)


@pytest.fixture(scope="module")
def router():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(), MultinomialNB()).fit(TRAIN, LABELS)


def _expected(ref_pred=WANT):
    return {"routing": {"texts": NEW, "true": WANT, "ref_pred": list(ref_pred)}, "report": None}


def _verdict(recorded, box, data=None):
    rule = q8.rules["routing"]
    return judge(q8.__class__("q8_test", 1, "router", rules={"routing": rule}, produce=lambda r: {"routing": r}),
                 "q8_test", {"routing": recorded}, {"routing": _expected()["routing"]},
                 observer=lambda p, art: observe(p, art, box=box, data=data))


def test_a_fitted_router_is_observed_predicting_new_texts(router, box):
    seen = observe(ROUTER_PROBE, with_texts(model_artefact(router), NEW), box=box, data=None)
    assert seen == [str(x) for x in router.predict(NEW)] == WANT
    assert _verdict(model_artefact(router), box).passed


def test_recorded_predictions_or_a_broken_pickle_prove_nothing(box):
    assert not _verdict('["delay", "damaged", "refund"]', box).passed
    assert not _verdict(base64.b64encode(b"not a pickle").decode(), box).passed
    assert not _verdict("", box).passed
    assert "could not run your router" in _verdict("", box).message


def test_the_act_does_not_see_the_students_data(box, tmp_path):
    data = tmp_path / "crmlab-data"
    data.mkdir()
    (data / "secret.txt").write_text("damaged")
    where = "(__import__('os').environ.get('CRMLAB_DATA') or __import__('sys').argv[4])"
    forged = f"type('M', (), {{'predict': lambda self, xs: [open({where} + '/secret.txt').read()] * len(xs)}})()"
    artefact = base64.b64encode(pickle.dumps(_Reads(forged))).decode()
    assert ROUTER_PROBE.data is False
    assert observe(ROUTER_PROBE, with_texts(artefact, NEW), box=box, data=data) is None
    visible = ROUTER_PROBE.__class__(ROUTER_PROBE.act, ROUTER_PROBE.inspect, max_artefact=ROUTER_PROBE.max_artefact)
    assert observe(visible, with_texts(artefact, NEW), box=box, data=data) == ["damaged"] * 3  # the control


def test_a_model_defined_in_the_notebook_is_refused_by_the_formative_check():
    from crmlab.autograde.tasks import CheckError
    from crmlab.autograde.tasks.analytical_checks import check_routing

    class Lookup:
        def fit(self, x, y):
            return self

        def predict(self, xs):
            return ["delay"] * len(xs)

    Lookup.__module__ = "__main__"
    with pytest.raises(CheckError, match="scikit-learn"):
        check_routing(lambda x, y: Lookup().fit(x, y), None)
