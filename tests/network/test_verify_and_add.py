"""``verify`` and ``add --doi/--pmid`` against hand-written responses (respx; no network)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import httpx
import pytest
import respx

from needling_facts.cli import network as cli_network
from needling_facts.cli.commands import main
from needling_facts.evidence.reference import UpdateType
from needling_facts.network.client import ServiceConfig, Services
from needling_facts.network.responses import crossref_record, pubmed_record
from needling_facts.network.verify import house_key
from needling_facts.sources.records import FrozenRecord, read_records
from tests.conftest import FIXTURES, REPO

NET = FIXTURES / "network"
CROSSREF = "https://api.crossref.org/works/"
EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
ALSTER_DOI = "10.1097/PRS.0000000000006462"
SEEN = dt.date(2026, 11, 24)


def _entry(key: str) -> str:
    """The entry ``key`` of the bundled references.bib, as written there."""
    text = (REPO / "references.bib").read_text("utf-8")
    start = text.index(f"@article{{{key},")
    return text[start : text.index("\n}\n", start) + 3]


@pytest.fixture(autouse=True)
def fast_services(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Services that record the waits instead of sleeping (NCBI allows 3 requests a second)."""
    waits: list[float] = []
    monkeypatch.setattr(
        cli_network, "_services", lambda config: Services(config, sleep=waits.append)
    )
    monkeypatch.delenv("NEEDLING_FACTS_MAILTO", raising=False)
    return waits


def _alster_routes(router: respx.MockRouter) -> None:
    router.get(CROSSREF + ALSTER_DOI).respond(
        json=json.loads((NET / "crossref-alster2020a.json").read_text("utf-8"))
    )
    router.get(EUTILS + "efetch.fcgi", params={"id": "31985622"}).respond(
        text=(NET / "pubmed-31985622.xml").read_text("utf-8")
    )
    router.get(EUTILS + "esearch.fcgi").respond(
        json=json.loads((NET / "esearch-alster2020a.json").read_text("utf-8"))
    )


def _project(tmp_path: Path, *keys: str, extra: str = "") -> tuple[Path, Path]:
    bib = tmp_path / "references.bib"
    bib.write_text("\n".join(_entry(k) for k in keys) + extra, "utf-8")
    return bib, tmp_path / "records"


def _verify(bib: Path, records: Path, *args: str) -> list[str]:
    return ["verify", "--bib", str(bib), "--records", str(records), "--mailto", "a@b.org", *args]


def test_verify_writes_records_from_both_services(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fast_services: list[float]
) -> None:
    bib, records = _project(tmp_path, "Alster2020a")
    with respx.mock(assert_all_called=False) as router:
        _alster_routes(router)
        assert main(_verify(bib, records)) == 0  # shows the diff, writes nothing
        assert not records.exists()
        assert main(_verify(bib, records, "--write")) == 0
        crossref_call = router.calls[0].request
    out, err = capsys.readouterr()
    assert "Alster2020a: 2 change(s) (not written; use --write)" in out
    assert "Alster2020a: 2 change(s) (written)" in out
    assert "verify [1/1] Alster2020a" in err
    assert "mailto:a@b.org" in crossref_call.headers["User-Agent"]
    frozen = read_records(records).records["Alster2020a"]
    by_source = {r.source: r.fields for r in frozen.records}
    assert by_source["crossref"].journal_full == "Plastic and Reconstructive Surgery"
    assert by_source["pubmed"].journal == "Plast Reconstr Surg"
    assert by_source["pubmed"].pages == "358-364"
    assert {r.how for r in frozen.records} == {
        "verify (Crossref REST API)",
        "verify (NCBI E-utilities efetch)",
    }
    # check agrees with the bib against the fresh records.
    assert (
        main(["check", "--bib", str(bib), "--claims", str(tmp_path), "--records", str(records)])
        == 0
    )


def _frozen_text(records: Path) -> str:
    records.mkdir()
    path = records / "Alster2020a.json"
    path.write_text(
        json.dumps(
            {
                "key": "Alster2020a",
                "records": [
                    {
                        "source": "pubmed",
                        "url": "https://pubmed.ncbi.nlm.nih.gov/31985622/",
                        "seen": "2026-11-24",
                        "how": "search tool (stored copy)",
                        "fields": {"year": 2020},
                    }
                ],
            },
            indent=2,
        ),
        "utf-8",
    )
    return path.read_text("utf-8")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (httpx.Response(404), f"Crossref: DOI {ALSTER_DOI} not found (404)"),
        (
            httpx.Response(429, headers={"Retry-After": "30"}),
            "rate limited (429); the service asks to wait 30 s",
        ),
        (httpx.ReadTimeout("slow"), "Crossref: timed out after 20 s"),
        (httpx.Response(503), "Crossref: service error (503); try again later"),
    ],
    ids=["not-found", "rate-limit", "timeout", "outage"],
)
def test_a_failed_lookup_is_one_line_and_never_changes_the_record(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    answer: httpx.Response | Exception,
    expected: str,
) -> None:
    bib, records = _project(tmp_path, "Alster2020a")
    before = _frozen_text(records)
    with respx.mock(assert_all_called=False) as router:
        _alster_routes(router)
        route = router.get(CROSSREF + ALSTER_DOI)
        if isinstance(answer, Exception):
            route.side_effect = answer
        else:
            route.mock(return_value=answer)
        assert main(_verify(bib, records, "--write")) == 1
    out, err = capsys.readouterr()
    assert expected in out
    assert "Traceback" not in out + err
    assert (records / "Alster2020a.json").read_text("utf-8") == before
    assert "1 failed" in out


def test_a_reference_without_doi_or_pmid_is_skipped_not_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib, records = _project(tmp_path, "Aust2011")
    with respx.mock() as router:
        assert main(_verify(bib, records)) == 0
        assert not router.calls
    out = capsys.readouterr().out
    assert "Aust2011: skipped: no DOI or PMID to look up" in out
    assert "0 failed, 1 skipped" in out


@pytest.mark.parametrize(
    "command",
    [
        ["verify"],
        ["verify", "--find-ids"],
        ["add", "--doi", "10.1000/new"],
    ],
    ids=["verify", "find-ids", "add-doi"],
)
def test_without_network_each_command_says_so_in_one_line_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    bib, records = _project(tmp_path, "Alster2020a", "Aust2011")
    before = bib.read_text("utf-8")
    argv = [*command, "--bib", str(bib), "--records", str(records), "--mailto", "a@b.org"]
    with respx.mock() as router:
        router.route().side_effect = httpx.ConnectError("[Errno -2] Name or service not known")
        assert main(argv) == 1
        assert router.calls.call_count == 1  # it tried, then stopped at the first refusal
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "needling-facts: error: no network: cannot reach api.crossref.org "
        "([Errno -2] Name or service not known)"
    ]
    assert bib.read_text("utf-8") == before
    assert not records.exists()


def test_verify_a_missing_bib_is_one_line_like_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.bib"
    for command in ("verify", "check"):
        with respx.mock() as router:
            assert main([command, "--bib", str(missing)]) == 1
            assert not router.calls
        assert capsys.readouterr().err.splitlines() == [
            f"needling-facts: error: --bib {missing}: no such file"
        ]


def test_verify_unknown_keys_are_one_line_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib, records = _project(tmp_path, "Alster2020a")
    with respx.mock() as router:
        assert main(_verify(bib, records, "Alster2020", "Nobody1999")) == 1
        assert not router.calls
    assert capsys.readouterr().err.splitlines() == [
        "needling-facts: error: no references 'Alster2020' (did you mean 'Alster2020a'?), "
        f"'Nobody1999' in {bib}"
    ]


@pytest.mark.parametrize(
    ("text", "problems"),
    [("@article{A,\n  title = {unclosed\n", 1), ("@article{A, title={x}\n@misc{B,\n", 2)],
    ids=["one-problem", "two-problems"],
)
def test_verify_a_bib_without_references_says_why_then_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, problems: int
) -> None:
    bib = tmp_path / "broken.bib"
    bib.write_text(text, "utf-8")
    with respx.mock() as router:
        assert main(_verify(bib, tmp_path / "records")) == 1
        assert not router.calls
    *listed, error = capsys.readouterr().err.splitlines()
    summary = f"needling-facts: error: no references to verify in {bib}"
    if problems == 1:  # the one reason goes inside the error line
        assert listed == []
        assert error.startswith(f"{summary}: {bib}:1:1: bib.parse-error ")
    else:
        assert len(listed) == problems
        assert all(" bib.parse-error " in line for line in listed)
        assert error == f"{summary} ({problems} problems above)"


def test_verify_reports_a_retraction_and_freezes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = (
        "@article{Tester2018,\n  author = {Tester, Ed},\n  title = {A retracted test study},\n"
        "  journal = {J Test Dermatol},\n  year = {2018},\n  doi = {10.5555/retracted.2018},\n}\n"
    )
    bib, records = _project(tmp_path, extra=entry)
    with respx.mock(assert_all_called=False) as router:
        router.get(CROSSREF + "10.5555/retracted.2018").respond(
            json=json.loads((NET / "crossref-retracted.json").read_text("utf-8"))
        )
        router.get(EUTILS + "esearch.fcgi").respond(json={"esearchresult": {"idlist": []}})
        assert main(_verify(bib, records, "--write")) == 1
    out = capsys.readouterr().out
    assert "! ref.retracted 'Tester2018' has been retracted: retraction of 2019-03-01" in out
    assert "! ref.correction" in out
    frozen = read_records(records).records["Tester2018"]
    assert [u.type for u in frozen.updates] == [UpdateType.RETRACTION, UpdateType.CORRECTION]


def test_crossref_update_to_marks_a_notice() -> None:
    payload = json.loads((NET / "crossref-notice.json").read_text("utf-8"))
    fields = crossref_record(payload, SEEN).record.fields
    assert fields.updates == ()
    assert fields.update_to[0].doi == "10.5555/retracted.2018"
    assert fields.update_to[0].type is UpdateType.RETRACTION


def test_pubmed_retraction_notices_are_read() -> None:
    work = pubmed_record((NET / "pubmed-retracted.xml").read_text("utf-8"), SEEN)
    fields = work.record.fields
    assert fields.title == "A retracted test study."
    assert fields.year == 2018
    assert fields.pmcid == "PMC9900001"
    assert fields.published_online == "2018-04-02"
    assert [(u.type, u.pmid) for u in fields.updates] == [
        (UpdateType.RETRACTION, "99000002"),
        (UpdateType.CORRECTION, None),
    ]
    assert work.people == [("Tester", "Ed")]


def test_ncbi_requests_are_spaced_to_three_a_second() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    with respx.mock() as router, Services(ServiceConfig(), sleep=sleep, clock=lambda: now[0]) as s:
        router.get(EUTILS + "efetch.fcgi").respond(text="<PubmedArticleSet/>")
        for _ in range(3):
            s.pubmed_article("1")
        params = router.calls[0].request.url.params
    assert waits == [pytest.approx(1 / 3), pytest.approx(1 / 3)]
    assert params["tool"] == "needling-facts"


def test_add_by_doi_writes_a_house_style_entry_and_freezes_its_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib, records = _project(tmp_path, "Alam2014")
    with respx.mock(assert_all_called=False) as router:
        _alster_routes(router)
        status = main(["add", "--bib", str(bib), "--records", str(records), "--doi", ALSTER_DOI])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "added Alster2020 (crossref and pubmed)" in out
    text = bib.read_text("utf-8")
    assert "@article{Alster2020," in text
    assert "journal = {Plastic and Reconstructive Surgery}" in text
    assert "shortjournal = {Plast Reconstr Surg}" in text
    assert "pages = {358--364}" in text
    assert "pmid = {31985622}" in text
    assert "author = {Alster, Tina S. and Li, Monica Ka Yi}" in text
    assert FrozenRecord.model_validate_json((records / "Alster2020.json").read_text("utf-8"))
    # The new entry agrees with the records it was made from.
    assert (
        main(["check", "--bib", str(bib), "--claims", str(tmp_path), "--records", str(records)])
        == 0
    )


def test_add_by_pmid_takes_a_letter_when_the_key_is_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clash = "@article{Alster2020,\n  author = {Alster, T.},\n  title = {Other},\n  journal = {J},\n  year = {2020},\n}\n"
    bib, records = _project(tmp_path, extra=clash)
    with respx.mock(assert_all_called=False) as router:
        _alster_routes(router)
        assert (
            main(["add", "--bib", str(bib), "--records", str(records), "--pmid", "31985622"]) == 0
        )
    assert "@article{Alster2020b," in bib.read_text("utf-8")
    assert "added Alster2020b" in capsys.readouterr().out


def test_add_by_doi_refuses_a_duplicate_without_asking_anyone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib, _records = _project(tmp_path, "Alster2020a")
    before = bib.read_text("utf-8")
    with respx.mock() as router:
        assert main(["add", "--bib", str(bib), "--doi", f"https://doi.org/{ALSTER_DOI}"]) == 1
        assert not router.calls
    assert capsys.readouterr().err.splitlines() == [
        f"needling-facts: error: nothing added to {bib}: "
        f"DOI {ALSTER_DOI} is already in entry 'Alster2020a'"
    ]
    assert bib.read_text("utf-8") == before


def test_add_by_pmid_not_found_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib, records = _project(tmp_path, "Alam2014")
    before = bib.read_text("utf-8")
    with respx.mock() as router:
        router.get(EUTILS + "efetch.fcgi").respond(text=(NET / "pubmed-empty.xml").read_text())
        assert main(["add", "--bib", str(bib), "--records", str(records), "--pmid", "1"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"needling-facts: error: nothing added to {bib}: PMID 1 not found at Crossref or PubMed"
    ]
    assert bib.read_text("utf-8") == before
    assert not records.exists()


@pytest.mark.parametrize(
    ("family", "existing", "key"),
    [
        ("Stadelman-Behar", [], "StadelmanBehar2024"),
        ("El-Domyati", ["ElDomyati2024"], "ElDomyati2024b"),
        ("Müller", ["Muller2024a", "Muller2024b"], "Muller2024c"),
    ],
)
def test_house_keys(family: str, existing: list[str], key: str) -> None:
    assert house_key(family, 2024, existing) == key


_FICTIONAL = """@article{Example2021,
  author = {Example, Ann},
  title = {Needling of fictional scars: a test series},
  journal = {J Example Dermatol},
  year = {2021},
}
"""


def _search_routes(router: respx.MockRouter) -> None:
    router.get("https://api.crossref.org/works").respond(
        json=json.loads((NET / "crossref-search-fictional.json").read_text("utf-8"))
    )
    router.get(EUTILS + "esearch.fcgi").respond(
        json=json.loads((NET / "esearch-fictional.json").read_text("utf-8"))
    )
    router.get(EUTILS + "efetch.fcgi", params={"id": "99000010"}).respond(
        text=(NET / "pubmed-99000010.xml").read_text("utf-8")
    )


def test_find_ids_proposes_the_one_work_whose_title_year_and_journal_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib, records = _project(tmp_path, "Alster2020a", extra="\n" + _FICTIONAL)
    before = bib.read_bytes()
    with respx.mock(assert_all_called=True) as router:
        _search_routes(router)
        assert main(_verify(bib, records, "--find-ids")) == 0
        search = router.calls[0].request
    out = capsys.readouterr().out
    # The look-alike of 2017 and the other title are not proposed; the online-first date of
    # 2020 does not hide the print year the bib gives.
    assert out.splitlines() == [
        "Example2021: add doi = {10.5555/needling.2021}, pmid = {99000010} "
        "(title, year and journal agree)",
        "searched 1 reference without an identifier: 1 found, 0 with errors (nothing written)",
    ]
    assert search.url.params["query.bibliographic"] == (
        "Needling of fictional scars: a test series J Example Dermatol 2021"
    )
    assert search.url.params["mailto"] == "a@b.org"
    assert bib.read_bytes() == before  # proposes, never writes
    assert not records.exists()


def test_find_ids_proposes_nothing_when_two_works_agree_or_none_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twin = json.loads((NET / "crossref-search-fictional.json").read_text("utf-8"))
    twin["message"]["items"][1]["issued"] = {"date-parts": [[2021]]}  # now both agree
    wrong_year = _FICTIONAL.replace("{2021}", "{2023}")
    bib, records = _project(tmp_path, extra=wrong_year.replace("Example2021", "Late2023"))
    with respx.mock() as router:
        router.get("https://api.crossref.org/works").respond(json=twin)
        router.get(EUTILS + "esearch.fcgi").respond(json={"esearchresult": {"idlist": []}})
        assert main(_verify(bib, records, "--find-ids")) == 0
        bib.write_text(_FICTIONAL, "utf-8")
        assert main(_verify(bib, records, "--find-ids")) == 0
    out = capsys.readouterr().out
    assert "Late2023: no agreeing record among 3 found" in out
    assert (
        "Example2021: several works agree, none chosen: "
        "DOI 10.5555/needling.2021, DOI 10.5555/needling.2017"
    ) in out


def test_find_ids_reports_a_service_error_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib, records = _project(tmp_path, extra=_FICTIONAL)
    with respx.mock() as router:
        router.get("https://api.crossref.org/works").respond(status_code=503)
        router.get(EUTILS + "esearch.fcgi").respond(json={"esearchresult": {"idlist": []}})
        assert main(_verify(bib, records, "--find-ids")) == 1
    out = capsys.readouterr().out
    assert "Example2021: error: Crossref: service error (503); try again later" in out
    assert "0 found, 1 with errors" in out


def test_find_ids_and_write_do_not_go_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib, records = _project(tmp_path, extra=_FICTIONAL)
    assert main(_verify(bib, records, "--find-ids", "--write")) == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_rate_limit_is_waited_out_once_then_the_answer_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fast_services: list[float]
) -> None:
    bib, records = _project(tmp_path, "Alster2020a")
    with respx.mock(assert_all_called=False) as router:
        _alster_routes(router)
        crossref = json.loads((NET / "crossref-alster2020a.json").read_text("utf-8"))
        router.get(CROSSREF + ALSTER_DOI).mock(
            side_effect=[
                httpx.Response(429, headers={"Retry-After": "2"}),
                httpx.Response(200, json=crossref),
            ]
        )
        assert main(_verify(bib, records, "--write")) == 0
    assert 2.0 in fast_services  # the wait Crossref asked for, before the second try
    assert (records / "Alster2020a.json").exists()
    assert "0 failed" in capsys.readouterr().out


def test_a_rate_limit_asking_for_a_long_wait_is_reported_not_waited(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fast_services: list[float]
) -> None:
    bib, records = _project(tmp_path, "Alster2020a")
    with respx.mock(assert_all_called=False) as router:
        _alster_routes(router)
        route = router.get(CROSSREF + ALSTER_DOI).respond(429, headers={"Retry-After": "3600"})
        assert main(_verify(bib, records)) == 1
        assert route.call_count == 1
    assert 3600.0 not in fast_services
    assert "the service asks to wait 3600 s" in capsys.readouterr().out


def test_a_rate_limit_without_retry_after_backs_off_1_then_2_seconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fast_services: list[float]
) -> None:
    bib, records = _project(tmp_path, "Alster2020a")
    with respx.mock(assert_all_called=False) as router:
        _alster_routes(router)
        route = router.get(CROSSREF + ALSTER_DOI).respond(429)
        assert main(_verify(bib, records)) == 1
        assert route.call_count == 3  # the first try and two more
    assert [w for w in fast_services if w >= 1] == [1.0, 2.0]
    assert "Crossref: rate limited (429); try again later" in capsys.readouterr().out


@pytest.mark.parametrize("fault", ["bib-write", "record-write"])
def test_add_by_doi_writes_bib_and_record_together_or_neither(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fault: str,
) -> None:
    # Issue 19: a failed record write after the bib had changed left an entry with no record.
    bib, records = _project(tmp_path, "Alam2014")
    before = bib.read_bytes()
    real_replace = os.replace

    def failing(src: str, dst: str) -> None:
        is_bib = str(dst).endswith("references.bib")
        if is_bib == (fault == "bib-write"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr("os.replace", failing)
    with respx.mock(assert_all_called=False) as router:
        _alster_routes(router)
        status = main(["add", "--bib", str(bib), "--records", str(records), "--doi", ALSTER_DOI])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    assert len(err) == 1
    assert "No space left on device" in err[0]
    assert bib.read_bytes() == before
    assert not (records / "Alster2020.json").exists()
