"""The bundled corpora load with the columns engine.analyze expects, deterministically."""
import polars as pl
import pytest

from engine import datasets
from engine.errors import InputError


def test_list_datasets_names():
    assert {"seed", "fnc1", "polnear", "corpus"} <= set(datasets.list_datasets())


@pytest.mark.parametrize("name,rows", [("seed", 1), ("fnc1", 1683), ("polnear", 924)])
def test_load_full_datasets(name, rows):
    frame = datasets.load(name)
    assert list(frame.columns) == ["id", "text", "title", "source", "published", "origin"]
    assert frame.height == rows
    assert frame["id"].n_unique() == rows
    assert frame["text"].str.len_chars().min() > 0


def test_polnear_has_dates_and_outlets():
    frame = datasets.load("polnear")
    assert frame["published"].null_count() == 0
    assert frame["published"].str.contains(r"^\d{4}-\d{2}-\d{2}$").all()
    assert set(frame["source"].unique()) >= {"nyt", "breitbart"}


def test_limit_and_sample_are_deterministic():
    head = datasets.load("fnc1", limit=5)
    assert head["id"].to_list() == datasets.load("fnc1")["id"].head(5).to_list()
    assert datasets.load("corpus", sample=7, seed=1)["id"].to_list() == datasets.load("corpus", sample=7, seed=1)["id"].to_list()
    assert datasets.load("corpus").height == 1683 + 924


def test_unknown_dataset_is_a_one_line_error():
    with pytest.raises(InputError, match="unknown dataset"):
        datasets.load("nope")
