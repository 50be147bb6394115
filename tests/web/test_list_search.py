"""The lists people work through: word search (Simplified or Traditional), filters, sortable
columns and the counts of what waits, on the office list, the review queue and the
organization's opportunities, all through one `ListQuery`."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import delete
from werkzeug.datastructures import MultiDict

from catalog.models import Interest, Need, Opportunity, Suggestion
from tests.web.web_world import GONGBEI, add_need, build_world, login
from web.pages.list_query import ListQuery

TUTORING = "青少年课后辅导"


@pytest.fixture
def world(app):
    world = build_world(app)
    with app.extensions["db"].session() as s:
        for need_id, status, day in (("n-tutor", "submitted", 3), ("n-tutor2", "draft", 9)):
            add_need(
                s,
                need_id,
                GONGBEI,
                status,
                title=f"{TUTORING}{need_id[-1]}",
                description="放学后无人照看的孩子需要作业辅导和阅读陪伴。",
                beneficiaries="小学生",
                category_name="社区教育",
                submitted_at=dt.datetime(2024, 7, day, tzinfo=dt.UTC),
                updated_at=dt.datetime(2024, 7, day, tzinfo=dt.UTC),
            )
        s.get(Need, "n-listed").gap = True
        s.add(Interest(need_id="n-approved", org_id="org-elder", active=True))  # unanswered
        s.add(Interest(need_id="n-listed", org_id="org-meal", active=True))  # rejected: answered
        s.commit()
    return world


def _rows(page: str) -> list[str]:
    return re.findall(r'href="/(?:office|reviewer)/needs/(n-[\w-]+)"', page)


def test_office_searches_by_words_in_either_script(client, world):
    login(client, "office")
    for q in ("课后辅导", "課後輔導", "辅导 阅读"):
        assert sorted(_rows(client.get(f"/office/?q={q}").get_data(as_text=True))) == [
            "n-tutor",
            "n-tutor2",
        ], q
    assert _rows(client.get("/office/?q=不存在的词语").get_data(as_text=True)) == []


def test_office_filters_by_status_category_and_date(client, world):
    login(client, "office")
    assert _rows(client.get("/office/?q=辅导&status=draft").get_data(as_text=True)) == ["n-tutor2"]
    by_category = _rows(client.get("/office/?category=社区教育").get_data(as_text=True))
    assert sorted(by_category) == ["n-tutor", "n-tutor2"]
    dated = client.get("/office/?category=社区教育&from=2024-07-01&to=2024-07-05")
    assert _rows(dated.get_data(as_text=True)) == ["n-tutor"]
    bad = client.get("/office/?category=社区教育&from=2024-13-40&sort=nonsense")
    assert bad.status_code == 200 and len(_rows(bad.get_data(as_text=True))) == 2


def test_office_sorts_by_a_column_both_ways(client, world):
    login(client, "office")
    up = _rows(client.get("/office/?category=社区教育&sort=updated").get_data(as_text=True))
    down = _rows(
        client.get("/office/?category=社区教育&sort=updated&dir=desc").get_data(as_text=True)
    )
    assert up == ["n-tutor", "n-tutor2"] and down == ["n-tutor2", "n-tutor"]
    page = client.get("/office/?sort=updated").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page and "sort=updated&amp;dir=desc" in page


def test_office_start_page_counts_what_waits(client, world):
    login(client, "office")
    page = client.get("/?lang=zh_Hans_CN") and client.get("/office/").get_data(as_text=True)
    counts = dict(
        (text.strip(), int(n))
        for n, text in re.findall(r"<li><strong>(\d+)</strong> ([^<]+)</li>", page)
    )
    assert counts == {"条推荐待您决定": 2, "个组织意向尚未答复": 1, "个需求暂无组织能承接": 1}


def test_review_queue_search_filters_and_count(client, world):
    login(client, "reviewer")
    page = client.get("/reviewer/?q=課後輔導").get_data(as_text=True)
    assert _rows(page) == ["n-tutor"]  # submitted tab: the draft is not the reviewer's
    # n-submitted, n-tutor and the other street's n-other_submitted: all in the district
    assert re.search(r"<strong>3</strong> <a[^>]*>个需求待审核</a>", page)
    assert _rows(client.get("/reviewer/?street=440402004").get_data(as_text=True)) == [
        "n-other_submitted"
    ]
    oldest = _rows(client.get("/reviewer/?street=440402005&sort=submitted").get_data(as_text=True))
    newest = _rows(
        client.get("/reviewer/?street=440402005&sort=submitted&dir=desc").get_data(as_text=True)
    )
    assert oldest == ["n-submitted", "n-tutor"] and newest == ["n-tutor", "n-submitted"]


def test_opportunities_are_searched_filtered_and_sorted(app, client, world):
    # The rows matching's write step keeps (written here directly, so the test pins the page's
    # SQL filters and sorting, not the writer): best fit n-listed, then n-tutor, n-approved.
    with app.extensions["db"].session() as s:
        s.add(Suggestion(need_id="n-tutor", org_id="org-elder", score=0.8, rank=1, reasons=[]))
        s.execute(delete(Opportunity).where(Opportunity.org_id == "org-elder"))
        for k, need_id in enumerate(("n-listed", "n-tutor", "n-approved")):
            s.add(Opportunity(need_id=need_id, org_id="org-elder", score=0.9 - k / 10))
        s.commit()
    login(client, "organization")

    def shown(url: str) -> list[str]:
        return re.findall(
            r'<article class="card opportunity" id="need-([\w-]+)"',
            client.get(url).get_data(as_text=True),
        )

    assert shown("/org/") == ["n-listed", "n-tutor", "n-approved"]
    assert shown("/org/?q=辅导") == ["n-tutor"]
    assert shown("/org/?category=居家养老") == ["n-listed", "n-approved"]
    titles = shown("/org/?sort=title")
    assert titles == ["n-approved", "n-listed", "n-tutor"]  # 独…n-approved < 独…n-listed < 青…
    assert shown("/org/?sort=title&dir=desc") == titles[::-1]
    page = client.get("/?lang=zh_Hans_CN") and client.get("/org/").get_data(as_text=True)
    # interest sent for n-approved, confirmed for n-listed: only n-tutor is new
    assert re.search(r"<strong>1</strong> 个机会尚未回应", page), page


def test_list_query_reads_and_writes_its_arguments():
    args = MultiDict({"q": " 养老 ", "status": "listed", "sort": "title", "from": "2024-02-30"})
    lq = ListQuery.from_args(args, statuses=("listed",), sorts=("title",))
    assert (lq.q, lq.status, lq.sort, lq.date_from) == ("养老", "listed", "title", None)
    assert lq.sort_link("title") == {
        "q": "养老",
        "status": "listed",
        "sort": "title",
        "dir": "desc",
    }
    assert lq.sort_link("updated")["sort"] == "updated" and "dir" not in lq.sort_link("updated")
    other = ListQuery.from_args(args, statuses=("draft",), sorts=("updated",))
    assert other.status == "" and other.sort == ""
