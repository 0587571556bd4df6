"""Range requests on the local download view: players seek and downloads resume, the
permission check still comes first, and the file is streamed, never read whole."""

from typing import Any

import pytest
from django.utils.http import http_date

pytestmark = pytest.mark.django_db


@pytest.fixture
def material(teacher: Any, upload: Any, pdf_file: Any) -> dict[str, Any]:
    return upload(teacher, pdf_file(text="A long enough text " * 40))


def _body(answer: Any) -> bytes:
    assert answer.streaming
    return b"".join(answer.streaming_content)


def test_full_download_says_ranges_are_accepted(api_client: Any, material: Any) -> None:
    answer = api_client.get(material["download_url"])
    body = _body(answer)
    assert answer.status_code == 200
    assert answer["Accept-Ranges"] == "bytes"
    assert int(answer["Content-Length"]) == len(body) == material["size"]
    assert answer["ETag"].startswith('"') and answer["Last-Modified"]
    assert answer["Cache-Control"] == "private, no-store"


def test_range_answers_206_with_exactly_those_bytes(api_client: Any, material: Any) -> None:
    whole = _body(api_client.get(material["download_url"]))
    size = len(whole)
    answer = api_client.get(material["download_url"], headers={"Range": "bytes=10-19"})
    assert answer.status_code == 206
    assert _body(answer) == whole[10:20]
    assert answer["Content-Range"] == f"bytes 10-19/{size}"
    assert answer["Content-Length"] == "10"
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Accept-Ranges"] == "bytes"
    # An end past the file is cut to its last byte.
    answer = api_client.get(material["download_url"], headers={"Range": f"bytes=5-{size + 50}"})
    assert answer.status_code == 206
    assert answer["Content-Range"] == f"bytes 5-{size - 1}/{size}"
    assert _body(answer) == whole[5:]


def test_open_ended_and_suffix_ranges(api_client: Any, material: Any) -> None:
    whole = _body(api_client.get(material["download_url"]))
    size = len(whole)
    resumed = api_client.get(material["download_url"], headers={"Range": "bytes=100-"})
    assert resumed.status_code == 206
    assert resumed["Content-Range"] == f"bytes 100-{size - 1}/{size}"
    assert int(resumed["Content-Length"]) == size - 100
    assert _body(resumed) == whole[100:]

    tail = api_client.get(material["download_url"], headers={"Range": "bytes=-16"})
    assert tail.status_code == 206
    assert tail["Content-Range"] == f"bytes {size - 16}-{size - 1}/{size}"
    assert _body(tail) == whole[-16:]
    # A suffix longer than the file is the whole file, still as a range.
    everything = api_client.get(material["download_url"], headers={"Range": f"bytes=-{size * 2}"})
    assert everything.status_code == 206
    assert _body(everything) == whole


def test_unsatisfiable_ranges_answer_416(api_client: Any, material: Any) -> None:
    size = material["size"]
    for header in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=-0"):
        answer = api_client.get(material["download_url"], headers={"Range": header})
        assert answer.status_code == 416, header
        assert answer["Content-Range"] == f"bytes */{size}"
        assert answer.content == b""


def test_malformed_or_multiple_ranges_get_the_whole_file(api_client: Any, material: Any) -> None:
    size = material["size"]
    for header in ("bytes=0-1,5-6", "bytes=9-3", "lines=1-2", "bytes=-", "bytes=a-b"):
        answer = api_client.get(material["download_url"], headers={"Range": header})
        assert answer.status_code == 200, header
        assert len(_body(answer)) == size


def test_if_range_keeps_the_range_only_for_the_same_file(api_client: Any, material: Any) -> None:
    full = api_client.get(material["download_url"])
    whole = _body(full)
    etag, modified = full["ETag"], full["Last-Modified"]
    for current in (etag, modified):
        answer = api_client.get(
            material["download_url"], headers={"Range": "bytes=0-3", "If-Range": current}
        )
        assert answer.status_code == 206, current
        assert _body(answer) == whole[:4]
    stale_date = http_date(0)
    for stale in ('"someone-elses-tag"', f"W/{etag}", stale_date):
        answer = api_client.get(
            material["download_url"], headers={"Range": "bytes=0-3", "If-Range": stale}
        )
        assert answer.status_code == 200, stale
        assert _body(answer) == whole


def test_head_reports_the_range_without_a_body(api_client: Any, material: Any) -> None:
    answer = api_client.head(material["download_url"], headers={"Range": "bytes=0-9"})
    assert answer.status_code == 206
    assert answer["Content-Length"] == "10"


def test_ranges_do_not_bypass_permissions(
    api_client: Any,
    material: Any,
    other_student: Any,
    student: Any,
    teacher: Any,
    book_lesson: Any,
) -> None:
    api_client.force_login(other_student)
    for header in ("bytes=0-9", "bytes=-5", f"bytes={material['size'] + 1}-"):
        answer = api_client.get(material["download_url"], headers={"Range": header})
        assert answer.status_code == 404, header
    api_client.logout()
    answer = api_client.get(material["download_url"], headers={"Range": "bytes=0-9"})
    assert answer.status_code in (401, 403)
    # Shared with a learner: ranges work for them too.
    book_lesson(teacher, student)
    api_client.force_login(teacher)
    assert (
        api_client.post(
            f"/api/v1/materials/{material['id']}/shares/", {"learner": str(student.pk)}
        ).status_code
        == 201
    )
    api_client.force_login(student)
    answer = api_client.get(material["download_url"], headers={"Range": "bytes=0-3"})
    assert answer.status_code == 206
    assert _body(answer) == b"%PDF"


def test_large_range_is_streamed_in_blocks(api_client: Any, material: Any) -> None:
    answer = api_client.get(material["download_url"], headers={"Range": "bytes=1-"})
    chunks = list(answer.streaming_content)
    assert b"".join(chunks)
    assert max(len(chunk) for chunk in chunks) <= answer.block_size
