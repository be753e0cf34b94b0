"""The upload checks (safety.inspect_upload): every bad file refused with a clear Vietnamese message naming it,
every good one recognised by its content whatever its name says."""

from __future__ import annotations

import hashlib
import time
import tracemalloc
import zipfile

import pytest

from edudb.exchange import safety
from edudb.exchange.safety import Inspected, UnsafeFile, inspect_upload, max_upload_bytes
from edudb.exchange.tests import files

ROWS: list[list[object]] = [list(files.STUDENT_HEADERS), *files.student_rows(5)]


@pytest.fixture
def good_xlsx(tmp_path):
    return files.write_xlsx(tmp_path / "hoc_sinh.xlsx", ROWS)


def refused(path, name=None) -> str:
    with pytest.raises(UnsafeFile) as caught:
        inspect_upload(path, name or path.name)
    message = caught.value.message
    assert message == str(caught.value)
    assert f"“{name or path.name}”" in message  # every message names the file
    return message


def light(check, *, seconds: float = 5.0, megabytes: int = 32):
    """Run ``check`` and assert it was quick and small: Python-level allocations (zlib's buffers and every bytes
    object included) stay under ``megabytes``."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = check()
    finally:
        took = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert took < seconds, f"took {took:.1f}s"
    assert peak < megabytes * 2**20, f"peak {peak / 2**20:.0f} MB"
    return result


# --- good files -------------------------------------------------------------------------------------------------------


def test_xlsx_is_recognised_with_its_size_and_hash(good_xlsx):
    inspected = inspect_upload(good_xlsx, "hoc_sinh.xlsx")
    data = good_xlsx.read_bytes()
    assert inspected == Inspected("xlsx", len(data), hashlib.sha256(data).hexdigest(), None)


@pytest.mark.parametrize(
    ("build", "kind"),
    [
        (lambda p: files.write_xls(p, ROWS), "xls"),
        (lambda p: files.write_ods(p, ROWS), "ods"),
        (lambda p: files.write_csv(p, ROWS), "csv"),
    ],
)
def test_each_format_is_recognised(tmp_path, build, kind):
    assert inspect_upload(build(tmp_path / "tep"), "tep").format == kind


@pytest.mark.parametrize(
    ("encoding", "delimiter", "expected"),
    [
        ("utf-8", ",", "utf-8"),
        ("utf-8-sig", ",", "utf-8-sig"),
        ("utf-16", "\t", "utf-16"),
        ("utf-16-be", "\t", None),  # without a BOM: NUL bytes, refused below
        ("cp1258", ";", "cp1258"),
    ],
)
def test_csv_encodings(tmp_path, encoding, delimiter, expected):
    path = files.write_csv(tmp_path / "ds.csv", ROWS, encoding=encoding, delimiter=delimiter)
    if expected is None:
        assert "không phải là bảng tính" in refused(path)
    else:
        assert inspect_upload(path, "ds.csv") == Inspected(
            "csv", path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest(), expected
        )


def test_utf16_big_endian_with_bom(tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes(b"\xfe\xff" + "Họ và tên\tNgày sinh\tGiới tính\r\n".encode("utf-16-be"))
    assert inspect_upload(path, "unicode.txt").encoding == "utf-16"


@pytest.mark.parametrize(
    ("build", "name", "kind"),
    [
        (lambda p, good: good, "ds.xls", "xlsx"),  # an .xlsx saved with the old extension
        (lambda p, good: files.write_xls(p, ROWS), "ds.xlsx", "xls"),
        (lambda p, good: files.write_csv(p, ROWS), "ds.xlsx", "csv"),
        (lambda p, good: files.write_ods(p, ROWS), "ds.xls", "ods"),
    ],
)
def test_the_content_decides_not_the_extension(tmp_path, good_xlsx, build, name, kind):
    assert inspect_upload(build(tmp_path / "tep", good_xlsx), name).format == kind


# --- size -------------------------------------------------------------------------------------------------------------


def test_empty_file(tmp_path):
    path = tmp_path / "rong.xlsx"
    path.write_bytes(b"")
    assert "rỗng" in refused(path)


def test_the_limit_comes_from_settings(settings):
    settings.EDUDB_IMPORT_MAX_BYTES = 1234
    assert max_upload_bytes() == 1234
    del settings.EDUDB_IMPORT_MAX_BYTES
    assert max_upload_bytes() == 50 * 2**20


def test_over_the_size_limit(tmp_path, settings):
    settings.EDUDB_IMPORT_MAX_BYTES = 2**20
    path = files.write_csv(tmp_path / "lon.csv", ROWS * 3000)
    assert path.stat().st_size > 2**20
    message = refused(path)
    assert "quá giới hạn 1 MB" in message
    assert "chia thành nhiều tệp nhỏ hơn" in message


# --- not a spreadsheet --------------------------------------------------------------------------------------------------


def test_program_renamed_xlsx(tmp_path):
    message = refused(files.exe_file(tmp_path / "danh_sach.xlsx"))
    assert "không phải là bảng tính" in message
    assert "chương trình" in message
    assert "dù tên tệp có đuôi .xlsx" in message


def test_linux_program_pdf_and_archives(tmp_path):
    elf = tmp_path / "a.xlsx"
    elf.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(200))
    assert "chương trình" in refused(elf)
    assert "PDF" in refused(files.pdf_file(tmp_path / "b.xlsx"))
    gz = tmp_path / "c.csv"
    gz.write_bytes(b"\x1f\x8b\x08\x00" + bytes(100))
    assert "tệp nén" in refused(gz)


def test_word_documents(tmp_path):
    assert "tài liệu Word" in refused(files.docx_file(tmp_path / "d.xlsx"))
    assert "văn bản OpenDocument" in refused(files.odt_file(tmp_path / "d.ods"))
    doc = tmp_path / "cu.xls"
    with doc.open("wb") as out:
        files.write_ole(out, {"WordDocument": b"\xec\xa5" + bytes(100)})
    assert "Word 97-2003" in refused(doc)


def test_zip_that_is_no_office_file(tmp_path):
    path = tmp_path / "anh.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("anh.png", b"\x89PNG" + bytes(100))
    assert "tệp nén, không phải bảng tính" in refused(path)


def test_binary_text_is_refused(tmp_path):
    nul = tmp_path / "nhi_phan.csv"
    nul.write_bytes(b"Ho ten,Ngay sinh\r\n\x00\x01\x02\x00")
    assert "dữ liệu nhị phân" in refused(nul)
    controls = tmp_path / "dieu_khien.csv"
    controls.write_bytes(bytes(range(1, 32)) * 50)
    assert "dữ liệu nhị phân" in refused(controls)


def test_html_saved_as_xls(tmp_path):
    message = refused(files.html_as_xls(tmp_path / "xuat_tu_web.xls", ROWS))
    assert "trang web (HTML)" in message
    assert "Excel Workbook (*.xlsx)" in message


def test_xlsb_is_asked_to_be_saved_as_xlsx(tmp_path):
    message = refused(files.xlsb_file(tmp_path / "nhi_phan.xlsb"))
    assert ".xlsb" in message
    assert "Excel Workbook (*.xlsx)" in message


def test_text_in_no_known_encoding(tmp_path):
    path = tmp_path / "loi.csv"
    path.write_bytes("Họ tên;Ngày sinh\r\n".encode() + b"\x81\x8d\x8e\x8f\x90")  # undefined in UTF-8 and cp1258
    message = refused(path)
    assert "bảng mã" in message
    assert "CSV UTF-8" in message


# --- zip bombs --------------------------------------------------------------------------------------------------------


def test_zip_bomb_of_two_gigabytes_is_refused_without_unpacking(tmp_path):
    path = light(lambda: files.zip_bomb(tmp_path / "bom.xlsx"), seconds=20)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 2 << 30
    assert path.stat().st_size < 3 * 2**20
    message = light(lambda: refused(path))
    assert "bom nén" in message
    assert "2048 MB" in message


def test_a_part_compressed_too_well(tmp_path):
    path = files.zip_bomb(tmp_path / "nen.xlsx", size=512 << 20)  # under the 1 GB total, ratio ~1000
    message = light(lambda: refused(path))
    assert "bom nén" in message
    assert "nén 1" in message  # "phần … nén 10xx lần (tối đa 200)"


def test_zip_bomb_whose_headers_lie_is_caught_by_counting_real_bytes(tmp_path):
    path = files.lying_zip_bomb(tmp_path / "gia.xlsx", size=256 << 20, declared=4096)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size == 4096
    assert info.file_size < 200 * info.compress_size  # the declared ratio looks harmless
    message = light(lambda: refused(path))
    assert "bom nén" in message
    assert "nhiều hơn kích thước khai báo" in message


def test_too_many_parts(tmp_path):
    # MAX_MEMBERS parts plus [Content_Types].xml
    message = refused(files.many_members_zip(tmp_path / "nhieu.xlsx", count=safety.MAX_MEMBERS))
    assert "2001 phần" in message
    assert "bom nén" in message


def test_parts_sharing_their_data(tmp_path):
    message = light(lambda: refused(files.overlapping_zip(tmp_path / "chong.xlsx")))
    assert "chồng lên nhau" in message


# --- corrupt files ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_workbook(tmp_path, good_xlsx, keep):
    message = refused(files.truncated(good_xlsx, tmp_path / "cut.xlsx", keep=keep))
    assert "bị hỏng" in message
    assert "mở bằng Excel và lưu lại" in message


def test_bad_crc(tmp_path, good_xlsx):
    message = refused(files.corrupt_member_xlsx(good_xlsx, tmp_path / "crc.xlsx"))
    assert "bị hỏng" in message
    assert "CRC" in message


def test_truncated_xls(tmp_path):
    source = files.write_xls(tmp_path / "a.xls", ROWS)
    message = refused(files.truncated(source, tmp_path / "cut.xls", keep=0.5))
    assert "bị hỏng" in message
    assert "mở bằng Excel và lưu lại" in message


def test_zip_with_encrypted_parts(tmp_path, good_xlsx):
    data = bytearray(good_xlsx.read_bytes())
    with zipfile.ZipFile(good_xlsx) as archive:
        offsets = [info.header_offset for info in archive.infolist()]
    for offset in offsets:
        data[offset + 6] |= 1  # the local "encrypted" flag …
    start = data.rfind(b"PK\x01\x02", 0)
    while start != -1:
        data[start + 8] |= 1  # … and the central one
        start = data.rfind(b"PK\x01\x02", 0, start)
    path = tmp_path / "zipcrypto.xlsx"
    path.write_bytes(bytes(data))
    assert "nén kèm mật khẩu" in refused(path)


# --- passwords, macros, XML entities -------------------------------------------------------------------------------------


def test_password_protected_workbook(tmp_path, good_xlsx):
    path = files.encrypted_xlsx(good_xlsx, tmp_path / "mat_khau.xlsx")
    assert path.read_bytes()[:8] == safety.OLE_MAGIC  # what Excel writes: an OLE2 file, not a zip
    message = refused(path)
    assert "mật khẩu" in message
    assert "File → Info → Protect Workbook → Encrypt with Password" in message


def test_password_protected_xls(tmp_path):
    message = refused(files.write_xls(tmp_path / "cu.xls", ROWS, password=True))
    assert "mật khẩu" in message


def test_macro_workbook_renamed_xlsx(tmp_path, good_xlsx):
    message = refused(files.macro_xlsx(good_xlsx, tmp_path / "co_macro.xlsx"))
    assert "macro" in message
    assert "Excel Workbook (*.xlsx)" in message


def test_macro_content_type_alone_or_vba_part_alone(tmp_path, good_xlsx):
    macro = files.macro_xlsx(good_xlsx, tmp_path / "m.xlsm")
    no_part = files.rewrite_zip(macro, tmp_path / "a.xlsx", drop=["xl/vbaProject.bin"])
    assert "macro" in refused(no_part)
    only_part = files.rewrite_zip(good_xlsx, tmp_path / "b.xlsx", add={"xl/vbaProject.bin": b"\0" * 10})
    assert "macro" in refused(only_part)


def test_xls_with_macros(tmp_path):
    message = refused(files.macro_xls(tmp_path / "macro.xls", ROWS))
    assert "macro" in message


def test_ods_with_macros(tmp_path):
    source = files.write_ods(tmp_path / "a.ods", ROWS)
    path = files.rewrite_zip(source, tmp_path / "b.ods", add={"Basic/Standard/Module1.xml": b"<module/>"})
    assert "macro" in refused(path)


@pytest.mark.parametrize("member", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_xml_with_an_external_entity(tmp_path, good_xlsx, member):
    message = refused(files.doctype_xlsx(good_xlsx, tmp_path / "xxe.xlsx", member=member))
    assert "DOCTYPE/ENTITY" in message
    assert member in message


def test_entity_hidden_in_a_utf16_part(tmp_path, good_xlsx):
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'
    path = files.rewrite_zip(good_xlsx, tmp_path / "u16.xlsx", add={"xl/extra.dat": xml.encode("utf-16")})
    assert "DOCTYPE/ENTITY" in refused(path)


def test_entity_in_an_ods(tmp_path):
    source = files.write_ods(tmp_path / "a.ods", ROWS)
    with zipfile.ZipFile(source) as archive:
        content = archive.read("content.xml").decode()
    content = content.replace("?>", '?><!DOCTYPE x [<!ENTITY lol "lol">]>', 1)
    assert "DOCTYPE/ENTITY" in refused(
        files.rewrite_zip(source, tmp_path / "b.ods", replace={"content.xml": content.encode()})
    )


def test_a_large_honest_workbook_passes_quickly(tmp_path):
    """1,048,576 formatted rows: 68 MB of sheet XML in 2.7 MB, all inflated and scanned in well under a second."""
    path = files.empty_rows_xlsx(tmp_path / "dinh_dang.xlsx", files.STUDENT_HEADERS)
    assert light(lambda: inspect_upload(path, "dinh_dang.xlsx")).format == "xlsx"


@pytest.mark.parametrize(
    ("size", "text"), [(0, "0"), (2**20, "1"), (50 * 2**20, "50"), (3 * 2**19, "1,5"), (1000, "0,000954")]
)
def test_megabytes(size, text):
    assert safety.megabytes(size) == text
