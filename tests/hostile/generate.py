"""Writes the hostile sample files of this folder (tests/test_readers_hostile.py reads them).

Run `python tests/hostile/generate.py` to write them again. Every text here
was made up for these tests. The big inputs (20 MB) are not kept here: the
tests write them into a temporary folder.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent

RU = ("Полиция Алматы задержала активиста Ивана Петрова по запросу российских властей. "
      "Суд арестовал его на два месяца до рассмотрения запроса об экстрадиции.")


def page(body: str, head: str = "", title: str = "Задержание") -> str:
    return (f"<!DOCTYPE html><html lang=\"ru\"><head>{head}<title>{title}</title></head>"
            f"<body><article>{body}</article></body></html>")


def samples() -> dict[str, bytes]:
    files: dict[str, bytes] = {}

    # --- encodings -----------------------------------------------------------------
    ukrainian = "Суд у Києві заарештував журналіста Івана Петренка, повідомили правозахисники у вівторок."
    script = "<script>var filler = '" + "x" * 6000 + "';</script>"
    files["encoding-declared-late.html"] = page(
        f"<p>{ukrainian}</p>", head=script + "<meta charset=\"cp1125\">").encode("cp1125")
    files["encoding-utf16-declared-no-bom.html"] = page(
        "<p>Суд в Бишкеке отказал в экстрадиции активистки Юлии Емельяновой, которую разыскивала Россия.</p>",
        head="<meta charset=\"utf-16\">").encode("utf-16-le")
    files["encoding-utf32-declared-no-bom.html"] = (
        "<?xml version=\"1.0\" encoding=\"UTF-32\"?>\n" + page(
            "<p>Власти Грузии депортировали в Россию оппозиционного активиста Семёна Кузнецова.</p>")
    ).encode("utf-32-be")
    files["encoding-shift-jis.txt"] = (
        "東京地方裁判所は、ロシア人ジャーナリストの身柄引き渡し請求について審理を開始した。"
        "弁護士は政治的な迫害だと主張している。裁判は来月も続く予定だ。").encode("shift_jis")
    files["encoding-windows-1255.txt"] = (
        "בית המשפט בתל אביב דחה את בקשת ההסגרה של העיתונאי הרוסי, כך מסרו עורכי דינו. "
        "הוא נעצר בחודש שעבר בנמל התעופה ושוחרר בערבות.").encode("cp1255")

    # --- stray control bytes ---------------------------------------------------------
    files["control-bytes.html"] = page(
        "<p>Суд в Тбилиси\x07 отправил журналиста Андрея Соколова\x00 под стражу на три месяца "
        "до рассмотрения запроса об экстрадиции.</p>", head="<meta charset=\"utf-8\">").encode()
    files["control-bytes.txt"] = ("Активистку Марию Иванову\x00 задержали в аэропорту Еревана.\x07 "
                                  "Суд отпустил её под залог через два дня.").encode()

    # --- front matter ----------------------------------------------------------------
    files["front-matter-python-tag.md"] = (
        "---\ntitle: !!python/object/apply:os.system [\"echo pwned\"]\nurl: https://example.org/x\n---\n"
        "В Астане суд отказал в экстрадиции журналиста Олега Смирнова в Россию.\n").encode()
    files["front-matter-broken.md"] = (
        "---\ntitle: [не закрыто\npublished: 2026-02-03\n---\n"
        "В Бишкеке задержали правозащитницу Анну Кузнецову по запросу Москвы.\n").encode()
    laughs = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        laughs.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    files["front-matter-alias-bomb.md"] = (
        "---\n" + "\n".join(laughs) + "\ntitle: *i\n---\n"
        "В Ташкенте освободили из-под стражи блогера Дмитрия Волкова.\n").encode()

    # --- binary files renamed to .txt -------------------------------------------------
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    files["binary-png.txt"] = png + bytes(range(256)) * 4
    files["binary-pdf.txt"] = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                               b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
                               b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n"
                               b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")
    files["binary-elf.txt"] = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00\x3e\x00" + bytes(range(256)) * 4

    # --- deeply nested HTML ------------------------------------------------------------
    files["deep-5000-divs.html"] = ("<html><body>" + "<div>" * 5000
                                    + "<p>Суд в Минске приговорил журналистку Ольгу Лебедеву к трём годам "
                                      "колонии за публикации о протестах.</p>"
                                    + "</div>" * 5000 + "</body></html>").encode()

    # --- JSON Lines with bad records ---------------------------------------------------
    records = [
        json.dumps({"title": "Первая", "text": "В Алматы задержали активиста Тимура Сапарова по запросу России."},
                   ensure_ascii=False).encode(),
        b'{"title": "broken", "text": ',
        json.dumps({"title": "Латиница"}).encode()[:-1] + b', "text": "Caf\xe9 au lait"}',
        json.dumps({"title": "Вторая", "text": "Суд в Душанбе арестовал журналиста Фарруха Назарова."},
                   ensure_ascii=False).encode(),
        b'{"title": "\\ud800 surrogate", "text": "Activist Pavel Orlov was detained in Istanbul on Monday."}',
    ]
    files["records-one-bad.jsonl"] = b"\n".join(records) + b"\n"

    # --- Telegram exports ----------------------------------------------------------------
    full = {"about": "full account export", "personal_information": {"user_id": 1},
            "chats": {"about": "chats", "list": [
                {"name": "Правозащитный канал", "type": "public_channel", "id": 1111111111, "username": "rights_ch",
                 "messages": [
                     {"id": 5, "type": "message", "date": "2026-02-03T10:15:00",
                      "text": "В Алматы задержан журналист Иван Петров."},
                     {"id": 6, "type": "message", "date": "2026-02-04T10:15:00",
                      "text": ["Подробности ", {"type": "text_link", "text": "на сайте",
                                                "href": "https://example.org/petrov"}]}]},
                {"name": "Закрытый канал", "type": "private_channel", "id": 2222222222,
                 "messages": [{"id": 7, "type": "message", "date": "2026-02-05T09:00:00",
                               "text": "Суд в Ереване отказал в экстрадиции Марии Ивановой."}]},
                {"name": "Друг", "type": "personal_chat", "id": 3333,
                 "messages": [{"id": 1, "type": "message", "date": "2026-02-05T09:00:00", "text": "Привет!"}]},
            ]}}
    files["telegram-full-account.json"] = json.dumps(full, ensure_ascii=False, indent=1).encode()
    surrogate = {"name": "Канал", "type": "public_channel", "id": 4444444444, "username": "@news_kz",
                 "messages": [{"id": 21, "type": "message", "date": "2026-02-06T08:00:00",
                               "text": "PLACEHOLDER"}]}
    files["telegram-lone-surrogate.json"] = json.dumps(surrogate, ensure_ascii=False).replace(
        "PLACEHOLDER", "Суд в Бишкеке арестовал блогера Алексея Морозова \\ud83d по запросу России.").encode()
    media = {"name": "Фотоканал", "type": "public_channel", "id": 5555555555,
             "messages": [{"id": n, "type": "message", "date": "2026-02-07T08:00:00",
                           "photo": f"photos/{n}.jpg", "text": ""} for n in (1, 2, 3)]}
    files["telegram-media-only.json"] = json.dumps(media, ensure_ascii=False).encode()

    # --- a real last paragraph that shares few words with the body -----------------------
    article = [
        ("Власти Грузии задержали в Тбилиси журналиста Андрея Соколова, который уехал из России осенью "
        "2022 года. Об этом сообщила правозащитная организация «Право на защиту»."),
        ("Соколова задержали утром 12 марта у подъезда дома в районе Сабуртало. По данным правозащитников, "
        "полицейские не представились и не объяснили причину задержания. Вечером того же дня суд в Тбилиси "
        "отправил журналиста под стражу на три месяца до рассмотрения запроса об экстрадиции."),
        ("Адвокат журналиста Леван Гелашвили сообщил, что Соколова обвиняют в распространении «фейков» об армии. "
        "Прошение об убежище журналист подал ещё в прошлом году."),
        ("Соколов работал корреспондентом независимого издания в Екатеринбурге и писал о преследовании "
        "участников антивоенных акций. В 2023 году суд заочно арестовал журналиста и объявил его в розыск."),
        ("Международная федерация профсоюзов прессы назвала происходящее недопустимым давлением на свободу "
        "слова и потребовала немедленно освободить репортёра, напомнив, что аналогичные истории уже "
        "случались в соседних странах региона."),
    ]
    files["last-paragraph-kept.txt"] = "\n\n".join(article).encode()
    return files


def main() -> None:
    for name, data in samples().items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
