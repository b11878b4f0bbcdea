"""Actor resolution: part-of hierarchy on the seed, cross-document merges, the editable alias table."""
import polars as pl
import pytest

import engine
from engine import actors, claims
from engine.config import DATA_DIR, Config
from engine.schema import ACTORS

SEED = DATA_DIR / "seed" / "mee-assad-shoigu-damascus.txt"


def documents(texts: dict[str, str], source: str = "Middle East Eye") -> pl.DataFrame:
    n = len(texts)
    return pl.DataFrame({
        "doc_id": list(texts), "title": [None] * n, "source": [source] * n, "url": [None] * n,
        "published": [None] * n, "origin": list(texts), "text": list(texts.values()),
    }, schema={"doc_id": pl.Utf8, "title": pl.Utf8, "source": pl.Utf8, "url": pl.Utf8, "published": pl.Utf8,
               "origin": pl.Utf8, "text": pl.Utf8})


def run(texts: dict[str, str], config: Config | None = None):
    config = config or Config(show_progress=False)
    docs = documents(texts)
    return actors.resolve(claims.extract(docs, config), docs, config)


@pytest.fixture(scope="module")
def seed():
    return run({"seed": SEED.read_text(encoding="utf-8")})


def actor_of(table: pl.DataFrame, **equal) -> str:
    rows = table
    for column, value in equal.items():
        rows = rows.filter(pl.col(column) == value)
    assert rows.height, f"no claim with {equal}"
    return rows["actor"][0]


def chain(actor_id: str, table: pl.DataFrame) -> list[str]:
    parents = dict(zip(table["actor_id"], table["parent"]))
    out = [actor_id]
    while parents.get(out[-1]):
        out.append(parents[out[-1]])
    return out


def test_actors_table_columns(seed):
    _, table = seed
    assert table.columns[: len(ACTORS)] == list(ACTORS)
    assert table["actor_id"].n_unique() == table.height
    # every parent is itself an actor
    assert set(table["parent"].drop_nulls()) <= set(table["actor_id"])


def test_us_defence_officials_reach_the_united_states(seed):
    claim_table, table = seed
    actor = actor_of(claim_table, speaker="US defence officials")
    assert actors.country_of(actor, table) == "United States"


def test_russia_is_russia(seed):
    claim_table, table = seed
    assert actor_of(claim_table, speaker="Russia") == "Russia"
    assert table.filter(pl.col("actor_id") == "Russia")["kind"][0] == "country"


def test_he_said_after_cook_reaches_pentagon_and_united_states(seed):
    claim_table, table = seed
    actor = actor_of(claim_table, speaker_mention="he", speaker="Peter Cook")
    assert chain(actor, table) == ["Peter Cook", "US Department of Defense", "United States"]
    assert table.filter(pl.col("actor_id") == "Peter Cook")["kind"][0] == "person"


def test_his_ministry_and_the_defence_ministry_in_moscow_are_russian(seed):
    claim_table, table = seed
    ministry = actor_of(claim_table, speaker_mention="his ministry")
    assert actors.country_of(ministry, table) == "Russia"
    assert actor_of(claim_table, speaker="the defence ministry") == ministry == "Russian Ministry of Defence"


def test_news_agency_has_its_country(seed):
    claim_table, table = seed
    sana = actor_of(claim_table, speaker_mention="it", cue="said")
    assert sana == "SANA" and chain(sana, table) == ["SANA", "Syria"]


def test_surname_and_full_name_are_one_person(seed):
    claim_table, table = seed
    assert set(claim_table.filter(pl.col("speaker").str.contains("Putin"))["actor"]) == {"Vladimir Putin"}
    assert actors.country_of("Vladimir Putin", table) == "Russia"


def test_unattributed_claims_belong_to_the_outlet(seed):
    claim_table, table = seed
    outlet = claim_table.filter(~pl.col("attributed"))["actor"].unique().to_list()
    assert outlet == ["Middle East Eye"]
    assert table.filter(pl.col("actor_id") == "Middle East Eye")["kind"][0] == "outlet"


def test_names_merge_across_documents_with_evidence():
    # real PolNeAR sentences, one per document
    claim_table, table = run({
        "a": "Hillary Clinton said she would consider sending more special operators to Syria.",
        "b": "Clinton said Clinton supporters were being subject to “vicious trolling and attack” online.",
        "c": "''We have to look at ISIS as the leading threat of an international terror network,'' "
             "Mrs. Clinton said.",
    })
    assert set(claim_table.filter(pl.col("attributed"))["actor"]) == {"Hillary Clinton"}
    row = table.filter(pl.col("actor_id") == "Hillary Clinton").row(0, named=True)
    assert {"Clinton", "Mrs. Clinton"} <= set(row["aliases"])
    evidence = actors.merge_evidence(table)
    reasons = evidence.filter(pl.col("actor_id") == "Hillary Clinton")["evidence"].to_list()
    assert any("surname" in r for r in reasons) and any("alias table" in r for r in reasons)


def test_capital_and_kremlin_resolve_to_the_country():
    claim_table, table = run({
        "a": "Moscow said the strikes had hit only militant positions near the border.",
        "b": "The Kremlin said the talks would continue next week in Geneva.",
    })
    assert actor_of(claim_table, doc_id="a") == "Russia"
    assert actors.country_of(actor_of(claim_table, doc_id="b"), table) == "Russia"


def test_a_short_alias_inside_a_name_is_part_of_the_name():
    """'Un' ends Kim Jong Un's name: the alias UN (3 characters or fewer: capitals only) does not cut it off, so
    the speaker is the person, not the country named in the description; 'UN envoy' still speaks for the UN."""
    claim_table, table = run({
        "a": "North Korean negotiator Ri Song Un said the talks with the South were over.",
        "b": "UN envoy Mistura said the talks would resume in Geneva next week.",
    })
    assert actor_of(claim_table, doc_id="a") == "Ri Song Un"
    assert actors.country_of("Ri Song Un", table) == "North Korea"
    assert actor_of(claim_table, doc_id="b") == "United Nations"


def test_leaders_of_the_bundled_stories_are_in_the_alias_table():
    """Kim Jong-un in any spelling is one person of North Korea, and his government is North Korea's."""
    claim_table, table = run({
        "a": "North Korean leader Kim Jong Un said the talks with the South were over.",
        "b": "Kim Jong-un's government said the leader was in good health.",
    })
    assert actor_of(claim_table, doc_id="a") == "Kim Jong-un"
    assert actors.country_of("Kim Jong-un", table) == "North Korea"
    assert actor_of(claim_table, doc_id="b") == "North Korea"


def test_a_name_particle_is_part_of_the_name():
    """'de', 'von der', 'al-' inside a name: the person is the whole name, not its last word and not the body
    the description names."""
    claim_table, table = run({
        "a": "UN envoy Staffan de Mistura said the talks would resume in Geneva next week.",
        "b": "Syrian President Bashar al-Assad said the army would retake the city within weeks.",
    })
    assert actor_of(claim_table, doc_id="a") == "Staffan de Mistura"
    assert actors.country_of("Staffan de Mistura", table) is None  # the UN has no country
    assert table.filter(pl.col("actor_id") == "Staffan de Mistura")["parent"].to_list() == ["United Nations"]
    assert actor_of(claim_table, doc_id="b") == "Bashar al-Assad"
    assert actors.country_of("Bashar al-Assad", table) == "Syria"


def test_a_possessive_inside_a_description_is_not_the_owner():
    """'The source with knowledge of Kim's health' is a source, not a body of 'Kim' named 'health'."""
    claim_table, _ = run({"a": "The source with knowledge of Kim's health said the leader had hurt his ankle."})
    assert actor_of(claim_table, doc_id="a") == "source with knowledge of Kim's health"


def test_a_name_in_apposition_is_the_person_and_its_description_stays_out_of_the_name():
    """'A Pentagon spokesman, Peter Cook, said': the person is Peter Cook, and the role before his name gives his
    parent, as 'Pentagon spokesman Peter Cook' does. 'said Dr. Sarah Lane, the charity's regional director': the
    possessive belongs to the description, so the actor is Sarah Lane, not 'Sarah Lane regional director'.
    'according to Doctors Without Borders': a capitalised preposition is inside the name."""
    claim_table, table = run({
        "a": "A Pentagon spokesman, Peter Cook, said the strikes had hit a meeting of rebels.",
        "b": "A military spokesman, Colonel Ali Haidar, said the army had not bombed the hospital.",
        "c": '"The building was destroyed by the strikes," said Dr. Sarah Lane, the charity\'s regional director.',
        "d": "The hospital was hit by two strikes on Monday, according to Doctors Without Borders.",
    })
    assert actor_of(claim_table, doc_id="a") == "Peter Cook"
    assert chain("Peter Cook", table) == ["Peter Cook", "US Department of Defense", "United States"]
    assert claim_table.filter(pl.col("doc_id") == "a")["speaker_full"][0] == "A Pentagon spokesman, Peter Cook"
    assert actor_of(claim_table, doc_id="b") == "Ali Haidar"
    assert actor_of(claim_table, doc_id="c") == "Sarah Lane"
    assert actor_of(claim_table, doc_id="d") == "Doctors Without Borders"
    assert claim_table.filter(pl.col("doc_id") == "d")["speaker"][0] == "Doctors Without Borders"


def test_user_alias_table_overrides(tmp_path):
    extra = tmp_path / "aliases.csv"
    extra.write_text("alias,actor,parent,kind\nThe West,Western governments,,group\n"
                     "Western governments,Western governments,,group\n", encoding="utf-8")
    claim_table, table = run({"seed": SEED.read_text(encoding="utf-8")},
                             Config(show_progress=False, aliases_path=str(extra)))
    assert actor_of(claim_table, speaker="The West") == "Western governments"
    assert table.filter(pl.col("actor_id") == "Western governments")["kind"][0] == "group"


def test_missing_user_alias_file_is_a_clear_error(tmp_path):
    from engine.errors import ConfigError

    with pytest.raises(ConfigError, match="aliases_path not found"):
        actors.Resolver(str(tmp_path / "nope.csv"))


def test_a_surname_the_tagger_took_for_an_organisation_is_the_person_of_the_same_article():
    """spaCy tags "Sanders" in "Sanders has made no secret of ..." as an organisation (a Politico article of the
    bundled corpus): in an article that names Bernie Sanders, it is him, so the two are one actor."""
    text = ("Bernie Sanders will meet Hillary Clinton in Washington on Tuesday night.\n\n"
            "Sanders has made no secret of the policy points he hopes to see on the party platform in Philadelphia.\n\n"
            "Sanders said he would keep fighting for a $15 federal minimum wage.")
    found = engine.extract_claims(text)
    surnames = found.filter(pl.col("speaker") == "Sanders")
    assert surnames.height == 2 and set(surnames["actor"]) == {"Bernie Sanders"}
    # without a full name in the same article, a single word the tagger calls an organisation stays as it is
    alone = engine.extract_claims("Sanders has made no secret of the policy points he hopes to see on the platform.")
    assert alone.filter(pl.col("speaker") == "Sanders")["actor"].to_list() == ["Sanders"]
