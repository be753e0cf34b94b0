"""Which guide section explains the page on screen: the header's help link opens it (R9.1).

A page is found by its full route name (``namespace:url_name``) in :data:`EXACT`, then by the longest matching
prefix in :data:`PREFIXES`, then by its namespace in :data:`NAMESPACES`. ``test_help.py`` walks every named
route of the project, so a new page without help (a new app without a namespace entry) fails the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from edudb.guide import sections


@dataclass(frozen=True)
class Target:
    slug: str
    anchor: str = ""

    @classmethod
    def parse(cls, text: str) -> Target:
        slug, _hash, anchor = text.partition("#")
        return cls(slug, anchor)


EXACT: dict[str, str] = {
    "set_language": "bat-dau#ngon-ngu",
    "core:home": "bat-dau#trang-chu",
    "core:unit_tree": "don-vi#tim-don-vi",
    "core:unit_detail": "don-vi#thong-tin-don-vi",
    "core:unit_children": "don-vi#tim-don-vi",
    "core:audit_list": "nhat-ky#tra-cuu",
    "core:audit_detail": "nhat-ky#chi-tiet",
    "accounts:login": "dang-nhap#dang-nhap",
    "accounts:logout": "dang-nhap#dang-xuat",
    "accounts:password_change": "dang-nhap#mat-khau",
    "accounts:acknowledge": "dang-nhap#cam-ket",
    "accounts:totp_enrol": "dang-nhap#xac-thuc-hai-lop",
    "accounts:access_review": "tai-khoan#ra-soat-quyen",
    "accounts:handover": "tai-khoan#ban-giao",
    "accounts:functions": "tai-khoan#giao-chuc-nang",
    "accounts:issue": "tai-khoan#cap-tai-khoan",
    "accounts:suspend": "tai-khoan#tam-khoa",
    "accounts:reactivate": "tai-khoan#tam-khoa",
    "accounts:reset_password": "tai-khoan#tam-khoa",
    "reporting:period_new": "bao-cao#ky-bao-cao",
    "reporting:period_edit": "bao-cao#ky-bao-cao",
    "reporting:period_close": "bao-cao#ky-bao-cao",
    "reporting:period": "bao-cao#ky-bao-cao",
    "reporting:board": "bao-cao#theo-doi",
    "reporting:reviews": "bao-cao#duyet",
    "reporting:approve": "bao-cao#duyet",
    "reporting:return": "bao-cao#duyet",
    "reporting:submission": "bao-cao#duyet",
    "reporting:precheck": "bao-cao#chot-so-lieu",
    "reporting:submit": "bao-cao#chot-so-lieu",
    "reporting:report": "bao-cao#chot-so-lieu",
    "reporting:extend": "bao-cao#gia-han",
    "reporting:correction": "bao-cao#dieu-chinh",
    "reporting:decide_correction": "bao-cao#dieu-chinh",
    "stats:table": "thong-ke#bang-thong-ke",
    "stats:document": "thong-ke#van-ban",
    "stats:document_status": "thong-ke#van-ban",
    "stats:document_file": "thong-ke#van-ban",
    "quality:worklist": "chat-luong#viec-can-sua",
    "quality:confirm": "chat-luong#viec-can-sua",
    "quality:standardise": "chat-luong#viec-can-sua",
    "quality:normalise_preview": "chat-luong#chuan-hoa",
    "quality:settings": "chat-luong#quy-tac",
    "registry:equipment_list": "co-so-vat-chat#thiet-bi",
    "registry:equipment_checklist": "co-so-vat-chat#thiet-bi",
    "registry:student_reveal_id": "hoc-sinh#dinh-danh",
    "registry:student_set_code": "hoc-sinh#dinh-danh",
    "registry:staff_reveal_id": "doi-ngu#ho-so",
    "registry:move_event_list": "bien-dong#nhat-ky-bien-dong",
    "guide:support_edit": "ho-tro#cap-nhat",
    "api:token": "api#ma-truy-cap",
    "api:docs": "api#tai-lieu",
    "api:schema": "api#tai-lieu",
    # Governance (issue 8): the pages of the apps sharing, feedback, incidents and oversight.
    "sharing:public_request": "to-chuc-ben-ngoai#gui-de-nghi",
    "sharing:public_done": "to-chuc-ben-ngoai#cac-buoc",
    "sharing:public_status": "to-chuc-ben-ngoai#cac-buoc",
    "sharing:release_download": "to-chuc-ben-ngoai#tai-du-lieu",
    "sharing:take_up": "yeu-cau-du-lieu#xem-xet",
    "sharing:forward": "yeu-cau-du-lieu#xem-xet",
    "sharing:decide": "yeu-cau-du-lieu#so-dong-y",
    "sharing:consent_scan": "yeu-cau-du-lieu#so-dong-y",
    "sharing:revoke": "yeu-cau-du-lieu#cung-cap",
    "sharing:retry": "yeu-cau-du-lieu#cung-cap",
    "feedback:public_file": "phu-huynh#gui-phan-anh",
    "feedback:public_status": "phu-huynh#thoi-han",
    "feedback:handling": "xu-ly-khieu-nai#xu-ly",
    "feedback:take": "xu-ly-khieu-nai#xu-ly",
    "feedback:answer": "xu-ly-khieu-nai#xu-ly",
    "feedback:close": "xu-ly-khieu-nai#xu-ly",
    "incidents:new": "su-co#bao-su-co",
    "incidents:security_report": "su-co#thoi-han",
    "incidents:extend": "su-co#xu-ly-su-co",
    "oversight:home": "giam-sat#muc-do-su-dung",
    "oversight:adoption_xlsx": "giam-sat#muc-do-su-dung",
    "oversight:report": "giam-sat#bao-cao-van-hanh",
    "oversight:report_file": "giam-sat#bao-cao-van-hanh",
    "oversight:reviews": "giam-sat#ra-soat-tai-khoan",
    "oversight:review": "giam-sat#ra-soat-tai-khoan",
    "oversight:review_confirm": "giam-sat#ra-soat-tai-khoan",
    "oversight:rules_file": "giam-sat#quy-che-noi-bo",
    "oversight:contacts": "giam-sat#to-trien-khai",
    "oversight:security": "giam-sat#thu-truong",
    "oversight:terms": "giam-sat#cam-ket",
}

# Longest prefix wins; checked after EXACT.
PREFIXES: dict[str, str] = {
    "registry:school": "truong-lop#ho-so-truong",
    "registry:site": "truong-lop#diem-truong",
    "registry:class": "truong-lop#lop-hoc",
    "registry:class_results": "hoc-sinh#ket-qua-hoc-tap",
    "registry:class_health": "hoc-sinh#suc-khoe",
    "registry:student": "hoc-sinh#ho-so",
    "registry:student_result": "hoc-sinh#ket-qua-hoc-tap",
    "registry:student_health": "hoc-sinh#suc-khoe",
    "registry:staff": "doi-ngu#ho-so",
    "registry:staff_record": "doi-ngu#khen-thuong",
    "registry:staff_award": "doi-ngu#khen-thuong",
    "registry:staff_discipline": "doi-ngu#khen-thuong",
    "registry:staff_training": "doi-ngu#khen-thuong",
    "registry:room": "co-so-vat-chat#phong",
    "registry:move_": "bien-dong#chuyen-truong",
    "registry:move_staff": "bien-dong#dieu-dong",
    "registry:move_rollover": "bien-dong#nam-hoc-moi",
    "registry:move_drop_out": "bien-dong#thoi-hoc",
    "registry:move_return": "bien-dong#thoi-hoc",
    "quality:codelist": "chat-luong#danh-muc",
    "exchange:import": "nhap-excel#nhap",
    "exchange:template": "nhap-excel#mau",
    "exchange:export": "nhap-excel#xuat",
    "api:account": "tai-khoan#cap-tai-khoan",
    "api:reporting": "bao-cao#chot-so-lieu",
    "api:stats": "thong-ke#so-lieu-chinh",
    "api:notification": "thong-bao#thong-bao",
    "api:quality": "chat-luong#phieu-chat-luong",
    "oversight:member": "giam-sat#to-trien-khai",
    "oversight:unit": "giam-sat#quy-che-noi-bo",
}

NAMESPACES: dict[str, str] = {
    "core": "bat-dau",
    "accounts": "tai-khoan",
    "registry": "truong-lop",
    "quality": "chat-luong#phieu-chat-luong",
    "exchange": "nhap-excel",
    "reporting": "bao-cao",
    "stats": "thong-ke#so-lieu-chinh",
    "notifications": "thong-bao#thong-bao",
    "api": "api",
    "guide": "ho-tro",
    "sharing": "yeu-cau-du-lieu",
    "feedback": "xu-ly-khieu-nai",
    "incidents": "su-co",
    "oversight": "giam-sat",
}

# For someone without an account on a page of these namespaces (the public forms), the section written for them.
PUBLIC_NAMESPACES: dict[str, str] = {
    "sharing": "to-chuc-ben-ngoai",
    "feedback": "phu-huynh",
    "incidents": "ho-tro",
    "guide": "ho-tro",
}


def target_for(view_name: str) -> Target | None:
    """The section (and heading) that explains the named route, or None when none is declared."""
    if view_name in EXACT:
        return Target.parse(EXACT[view_name])
    matches = [prefix for prefix in PREFIXES if view_name.startswith(prefix)]
    if matches:
        return Target.parse(PREFIXES[max(matches, key=len)])
    namespace = view_name.partition(":")[0] if ":" in view_name else ""
    if namespace in NAMESPACES:
        return Target.parse(NAMESPACES[namespace])
    return None


def help_url(view_name: str | None, *, signed_in: bool) -> str:
    """The link of the header's help button on the page ``view_name`` (the guide's index when unknown)."""
    target = target_for(view_name) if view_name else None
    if signed_in:
        if target is None or sections.get(target.slug) is None:
            return reverse("guide:index")
        return reverse("guide:section", kwargs={"slug": target.slug}) + (f"#{target.anchor}" if target.anchor else "")
    section = sections.get(target.slug) if target else None
    if target is not None and section is not None and section.public:
        anchor = f"#{target.anchor}" if target.anchor else ""
        return reverse("guide:public_section", kwargs={"slug": target.slug}) + anchor
    namespace = (view_name or "").partition(":")[0]
    if namespace in PUBLIC_NAMESPACES:
        return reverse("guide:public_section", kwargs={"slug": PUBLIC_NAMESPACES[namespace]})
    return reverse("guide:public_index")
