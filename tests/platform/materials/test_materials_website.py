"""The website pages, through the Django test client: My materials, the teacher's library,
and the marketplace (list, detail, buy, rate)."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from materials.samples import pdf_bytes

pytestmark = pytest.mark.django_db


def test_teacher_uploads_shares_and_creates_a_pack_on_the_library_page(
    client: Any, teacher: Any, student: Any, book_lesson: Any
) -> None:
    from materials.models import Material, MaterialPack, MaterialShare

    book_lesson(teacher, student)
    client.force_login(teacher)
    page = client.get("/materials/library/")
    assert page.status_code == 200
    assert "Your library is empty" in page.content.decode()

    uploaded = client.post(
        "/materials/library/",
        {
            "action": "upload",
            "title": "Verb table",
            "tags": "verbs, A2",
            "file": SimpleUploadedFile("table.pdf", pdf_bytes()),
        },
    )
    assert uploaded.status_code == 302
    fake = client.post(
        "/materials/library/",
        {"action": "upload", "title": "Fake", "file": SimpleUploadedFile("x.pdf", b"hello")},
    )
    assert fake.status_code == 400
    assert "upload a PDF, an audio or a video file" in fake.content.decode()

    material = Material.objects.get(teacher=teacher)
    assert sorted(material.tags.names()) == ["a2", "verbs"]
    shared = client.post(f"/materials/library/{material.pk}/share/", {"learner": str(student.pk)})
    assert shared.status_code == 302
    assert MaterialShare.objects.filter(material=material, learner=student).exists()
    html = client.get("/materials/library/").content.decode()
    assert "Verb table" in html and "Sam Student" in html

    created = client.post(
        "/materials/library/",
        {
            "action": "pack",
            "title": "Verbs pack",
            "language": "es",
            "level": "A2",
            "price": "9.00",
            "currency": "EUR",
            "materials": [str(material.pk)],
            "preview": str(material.pk),
            "publish": "on",
        },
    )
    assert created.status_code == 302, created.content.decode()[-3000:]
    pack = MaterialPack.objects.get(teacher=teacher)
    assert pack.status == "published"


def test_students_do_not_have_a_library_page(client: Any, student: Any) -> None:
    client.force_login(student)
    assert client.get("/materials/library/").status_code == 404


def test_my_materials_lists_shared_and_bought(
    client: Any,
    api_client: Any,
    teacher: Any,
    student: Any,
    upload: Any,
    book_lesson: Any,
    make_pack: Any,
    buy_pack: Any,
    assert_num_queries: Any,
) -> None:
    book_lesson(teacher, student)
    handout = upload(teacher, title="Handout for Sam")
    api_client.force_login(teacher)
    api_client.post(f"/api/v1/materials/{handout['id']}/shares/", {"learner": str(student.pk)})
    pack = make_pack(teacher, title="Spanish A2 pack")
    buy_pack(pack["id"], student)
    client.force_login(student)
    page = client.get("/materials/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Handout for Sam" in html and "Spanish A2 pack" in html
    assert f"/api/v1/materials/{handout['id']}/download/" in html
    for number in range(3):
        extra = upload(teacher, title=f"Extra {number}")
        api_client.force_login(teacher)
        api_client.post(f"/api/v1/materials/{extra['id']}/shares/", {"learner": str(student.pk)})
    client.force_login(student)
    # The page's cost does not grow with the number of materials: measured once, then pinned.
    with assert_num_queries(40, exact=False) as queries:
        client.get("/materials/")
    first_count = len(queries.captured_queries)
    for number in range(3, 6):
        extra = upload(teacher, title=f"Extra {number}")
        api_client.force_login(teacher)
        api_client.post(f"/api/v1/materials/{extra['id']}/shares/", {"learner": str(student.pk)})
    client.force_login(student)
    with assert_num_queries(first_count):
        again = client.get("/materials/")
    assert "Extra 5" in again.content.decode()


def test_marketplace_filters_detail_buy_and_rate(
    client: Any, teacher: Any, student: Any, make_pack: Any, buy_pack: Any, providers: Any
) -> None:
    spanish = make_pack(teacher, title="Spanish verbs", language="es", level="A2")
    make_pack(teacher, title="French listening", language="fr", level="B1", price="30.00")
    client.logout()
    html = client.get("/materials/packs/", {"language": "es"}).content.decode()
    assert "Spanish verbs" in html and "French listening" not in html
    html = client.get("/materials/packs/", {"sort": "-price"}).content.decode()
    assert html.index("French listening") < html.index("Spanish verbs")
    assert (
        "Some filters were not understood"
        in client.get("/materials/packs/", {"level": "Z9"}).content.decode()
    )

    detail = client.get(f"/materials/packs/{spanish['id']}/").content.decode()
    assert "Sign in to buy this pack" in detail and "Free sample" not in detail
    client.force_login(student)
    detail = client.get(f"/materials/packs/{spanish['id']}/").content.decode()
    assert "Free sample" in detail and "Buy for 12.50 EUR" in detail
    pay = client.post(f"/materials/packs/{spanish['id']}/buy/")
    assert pay.status_code == 200
    assert "checkout-client" in pay.content.decode() and "client_secret" in pay.content.decode()

    back = client.get(f"/materials/packs/{spanish['id']}/", {"payment_intent": "pi_x"})
    assert "Your payment is being confirmed" in back.content.decode()
    buy_pack(spanish["id"], student)
    client.force_login(student)
    detail = client.get(f"/materials/packs/{spanish['id']}/").content.decode()
    assert "This pack is yours." in detail and "Rate this pack" in detail
    rated = client.post(f"/materials/packs/{spanish['id']}/rate/", {"rating": "4", "text": "Good"})
    assert rated.status_code == 302
    detail = client.get(f"/materials/packs/{spanish['id']}/").content.decode()
    assert "4.00★" in detail and "Rate this pack" not in detail and "Good" in detail


def test_the_nav_links_to_the_marketplace(client: Any) -> None:
    assert 'href="/materials/packs/"' in client.get("/materials/packs/").content.decode()
