"""ticket_messages: one first message per ticket in the customer's language, built from its category's phrases;
the truth's ambiguous and vague flags say exactly which messages borrowed another category's phrase or said
nothing; a TF-IDF + naive Bayes router learns the category well but not perfectly."""

import re

import numpy as np
import pytest
from crmlab.simulator import ticket_text as tt
from worlds import world_fixture  # noqa: F401  (session fixture world)


def _pattern(phrase: str) -> re.Pattern:
    """A phrase as a whole sentence: at the start, or after a sentence's (or greeting's) end."""
    body = re.escape(phrase).replace(r"\{item\}", ".+?").replace(r"\{days\}", r"\d+")
    return re.compile(r"(?:^|(?<=[。？！，、])|(?<=[.?!,] ))" + body)


PATTERNS = {lang: {cat: [_pattern(p) for p in ps] for cat, ps in text["phrases"].items()}
            for lang, text in tt.TEXT.items()}


@pytest.fixture(scope="module")
def msgs(world):
    m = world.ticket_messages
    tr = world.truth.ticket_messages
    assert (m["ticket_id"].to_numpy() == world.tickets["ticket_id"].to_numpy()).all()
    assert (tr["ticket_id"].to_numpy() == m["ticket_id"].to_numpy()).all()
    return m.assign(category=world.tickets["category"].to_numpy(), ambiguous=tr["ambiguous"].to_numpy(),
                    vague=tr["vague"].to_numpy())


def test_one_message_per_ticket_in_the_customers_language(world, msgs):
    assert (msgs["sent_ts"].to_numpy() == world.tickets["opened_ts"].to_numpy()).all()
    locale = world.customers.set_index("customer_id")["locale"].reindex(world.tickets["customer_id"])
    assert (msgs["language"].to_numpy() == locale.str[:2].to_numpy()).all()
    share = msgs["language"].value_counts(normalize=True)
    assert set(share.index) <= set(tt.TEXT) and share["zh"] >= 0.5  # the cross-border shops' markets vary
    assert (msgs["body"].str.len() > 0).all() and (msgs["subject"].str.len() > 0).all()
    assert not msgs["body"].str.contains("{", regex=False).any()


def test_phrases_never_repeat_across_categories():
    for lang, text in tt.TEXT.items():
        seen = [p for ps in text["phrases"].values() for p in ps]
        assert len(seen) == len(set(seen)), lang
        assert set(text["phrases"]) == set(tt.RELATED) == set(text["subjects"]), lang


def test_truth_flags_match_the_text(msgs):
    for row in msgs.sample(600, random_state=0).itertuples():
        found = {cat for cat, pats in PATTERNS[row.language].items() if any(p.search(row.body) for p in pats)}
        if row.vague:
            assert not found and not row.ambiguous, row.body
        else:
            assert row.category in found, row.body
            others = found - {row.category}
            assert bool(others) == row.ambiguous and others <= set(tt.RELATED[row.category]), row.body
    assert 0.25 <= msgs["ambiguous"].mean() <= 0.45 and 0.03 <= msgs["vague"].mean() <= 0.12


def test_naive_bayes_routes_well_but_not_perfectly(msgs):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import train_test_split
    from sklearn.naive_bayes import MultinomialNB

    text = (msgs["subject"] + " " + msgs["body"]).to_numpy()
    a, b = train_test_split(np.arange(len(msgs)), test_size=0.3, random_state=0, stratify=msgs["category"])
    y = msgs["category"].to_numpy()
    for vec in (TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)), TfidfVectorizer()):
        model = MultinomialNB(alpha=0.1).fit(vec.fit_transform(text[a]), y[a])
        accuracy = float(np.mean(model.predict(vec.transform(text[b])) == y[b]))
        assert 0.70 <= accuracy <= 0.92, (vec.analyzer, accuracy)
        majority = msgs["category"].value_counts(normalize=True).iloc[0]
        assert accuracy >= majority + 0.15
        clear = ~msgs["ambiguous"].to_numpy()[b] & ~msgs["vague"].to_numpy()[b]
        hard = ~clear
        pred = model.predict(vec.transform(text[b]))
        assert np.mean(pred[clear] == y[b][clear]) > np.mean(pred[hard] == y[b][hard])


def test_language_of_locales():
    got = tt.language_of(np.array(["zh_CN", "en_GB", "de_DE", "fr_FR", "ja_JP", "en_AU", "xx_YY"]))
    assert got.tolist() == ["zh", "en", "de", "fr", "ja", "en", "en"]
