"""The official code lists (danh mục) the Sở maintains, as plain data.

This module is imported by a data migration, so it must stay plain Python: no Django imports, no models, no
settings. The migration turns each `CodeListData` into a `CodeList` row and each `Item` into a `CodeItem` row
whose `order` is the item's position in its tuple (1-based) and whose `is_active` is True.

Conventions for every list:
- codes are strings (leading zeros kept: "01"), non-empty, made of ASCII letters, digits and "_" only;
- names are Unicode NFC with the traditional tone-mark placement (hòa, thủy, Hòa Hảo, hóa học);
- aliases are genuinely different spellings or names that people type or that Excel files carry. Differences of
  case, diacritics or tone placement are NOT aliased: the search key (edudb.quality.text.search_key) folds those.
  Hyphen/space differences ("Gia-rai" vs "Gia Rai") and abbreviations ARE aliased, because folding keeps them.
- within a list, no two names or aliases fold to the same key (tests/test_codelists_data.py checks all of this).

Where a code is the Ministry's or the General Statistics Office's (GSO, Tổng cục Thống kê, now Cục Thống kê), the
comment above the list says so; where the codes are our own stable convention, the comment says that too.
"""

from __future__ import annotations

from typing import NamedTuple


class Item(NamedTuple):
    code: str  # the official code, as a string (keep leading zeros, e.g. "01")
    name: str  # the official Vietnamese name, NFC, traditional tone-mark placement
    aliases: tuple[str, ...] = ()  # genuinely different names/spellings seen in input (not diacritic variants)


class CodeListData(NamedTuple):
    code: str  # slug, e.g. "dan_toc"
    name: str  # Vietnamese name of the list
    description: str  # one Vietnamese sentence: what it is and its source
    items: tuple[Item, ...]


# --- 1. Ethnic groups -------------------------------------------------------------------------------------------------
# Codes 01–54 are the GSO's "Danh mục các thành phần dân tộc Việt Nam" (QĐ 121-TCTK/PPCĐ, 02/3/1979), which the
# Ministry's sector database reuses. NOTE the tail of the GSO order: 52 Brâu, 53 Ơ Đu, 54 Rơ Măm (not "54 Ơ Đu";
# lists sorted by population end with Ơ Đu, which is where that confusion comes from).
# Names use the current official spelling (as in the 2019 census publications: "Gia Rai", "Ê Đê", "Khmer", "Mông");
# the GSO's 1979 hyphenated spellings ("Gia-rai", "Khơ-me", "HMông") are kept as aliases since folding keeps hyphens.
# "55 Người nước ngoài": some derived lists (GSO-based software, some provincial tools) add it, but I could not
# confirm it in the Ministry's own list, so it is left out; a foreign learner is identified by `quoc_tich`, and the
# Sở can add the item through the code-list screens without a code change if the Ministry list does carry it.
_DAN_TOC = (
    Item("01", "Kinh", ("Việt", "Kinh (Việt)")),
    Item("02", "Tày"),
    Item("03", "Thái"),
    Item("04", "Hoa", ("Người Hoa", "Hán")),
    Item("05", "Khmer", ("Khơ-me", "Khơ Me", "Khơme")),
    Item("06", "Mường"),
    Item("07", "Nùng"),
    Item("08", "Mông", ("H'Mông", "H’Mông", "Hmông", "Mèo")),
    Item("09", "Dao"),
    Item("10", "Gia Rai", ("Gia-rai", "Giarai", "Jrai")),
    Item("11", "Ngái"),
    Item("12", "Ê Đê", ("Ê-đê", "Êđê")),
    Item("13", "Ba Na", ("Ba-na", "Bahnar")),
    Item("14", "Xơ Đăng", ("Xơ-đăng", "Sê Đăng")),
    Item("15", "Sán Chay", ("Cao Lan", "Sán Chỉ", "Cao Lan - Sán Chỉ")),
    Item("16", "Cơ Ho", ("Cơ-ho", "K'Ho")),
    Item("17", "Chăm"),  # "Chàm" folds to the same key
    Item("18", "Sán Dìu", ("Sán Dẻo",)),
    Item("19", "Hrê", ("H'rê",)),
    Item("20", "Mnông", ("M'Nông",)),
    Item("21", "Ra Glai", ("Ra-glai", "Raglai")),
    Item("22", "Xtiêng", ("Stiêng", "Xa Điêng")),
    Item("23", "Bru-Vân Kiều", ("Bru - Vân Kiều", "Bru Vân Kiều", "Vân Kiều")),
    Item("24", "Thổ"),
    Item("25", "Giáy"),
    Item("26", "Cơ Tu", ("Cơ-tu", "Ca Tu", "Katu")),
    Item("27", "Giẻ Triêng", ("Gié-Triêng",)),
    Item("28", "Mạ"),
    Item("29", "Khơ Mú", ("Khơ-mú", "Khmu")),
    Item("30", "Co"),
    Item("31", "Tà Ôi", ("Tà-ôi", "Pa Cô")),
    Item("32", "Chơ Ro", ("Chơ-ro", "Châu Ro")),
    Item("33", "Kháng"),
    Item("34", "Xinh Mun", ("Xinh-mun",)),
    Item("35", "Hà Nhì"),
    Item("36", "Chu Ru", ("Chu-ru", "Churu")),
    Item("37", "Lào"),
    Item("38", "La Chí"),
    Item("39", "La Ha"),
    Item("40", "Phù Lá"),
    Item("41", "La Hủ"),
    Item("42", "Lự"),
    Item("43", "Lô Lô"),
    Item("44", "Chứt"),
    Item("45", "Mảng"),
    Item("46", "Pà Thẻn"),
    Item("47", "Cờ Lao"),  # GSO 1979 spells it "Co Lao": folds to the same key, so no alias needed
    Item("48", "Cống"),
    Item("49", "Bố Y"),
    Item("50", "Si La"),
    Item("51", "Pu Péo"),
    Item("52", "Brâu", ("Brao",)),
    Item("53", "Ơ Đu", ("Ơ-đu", "Tày Hạt")),
    Item("54", "Rơ Măm", ("Rơ-măm",)),
)

# --- 2. Nationalities -------------------------------------------------------------------------------------------------
# ISO 3166-1 alpha-2 codes (TCVN 7217-1:2007 adopts ISO 3166-1). Việt Nam first, then neighbours and the countries
# foreign learners in Việt Nam most often come from, roughly grouped by region. Names follow common Vietnamese
# usage; the Ministry of Foreign Affairs transliterations ("Ma-lai-xi-a", "Xin-ga-po") are aliases. Territories
# are named the way Vietnamese official documents do ("Đài Loan (Trung Quốc)"). Other countries can be added by
# the Sở; there is no ISO code for "stateless", so "Không quốc tịch" is deliberately not invented here.
_QUOC_TICH = (
    Item("VN", "Việt Nam", ("Vietnam",)),
    Item("CN", "Trung Quốc", ("Trung Hoa",)),
    Item("TW", "Đài Loan (Trung Quốc)", ("Đài Loan",)),
    Item("HK", "Hồng Kông (Trung Quốc)", ("Hồng Kông",)),
    Item("KR", "Hàn Quốc", ("Đại Hàn", "Nam Hàn", "Korea")),
    Item("KP", "Triều Tiên", ("Bắc Triều Tiên", "Cộng hòa Dân chủ Nhân dân Triều Tiên")),
    Item("JP", "Nhật Bản", ("Nhật", "Japan")),
    Item("LA", "Lào", ("Laos",)),
    Item("KH", "Campuchia", ("Cam-pu-chia", "Cambodia")),
    Item("TH", "Thái Lan", ("Thailand",)),
    Item("MY", "Malaysia", ("Ma-lai-xi-a",)),
    Item("SG", "Singapore", ("Xin-ga-po",)),
    Item("ID", "Indonesia", ("In-đô-nê-xi-a",)),
    Item("PH", "Philippines", ("Phi-líp-pin", "Philippin")),
    Item("MM", "Myanmar", ("Mi-an-ma",)),
    Item("BN", "Brunei", ("Bru-nây",)),
    Item("TL", "Đông Timor", ("Timor-Leste", "Ti-mo Lét-xtê")),
    Item("MN", "Mông Cổ", ("Mongolia",)),
    Item("IN", "Ấn Độ", ("India",)),
    Item("BD", "Bangladesh", ("Băng-la-đét",)),
    Item("PK", "Pakistan", ("Pa-ki-xtan",)),
    Item("RU", "Nga", ("Liên bang Nga", "Russia")),
    Item("UA", "Ukraina", ("U-crai-na", "Ukraine")),
    Item("BY", "Belarus", ("Bê-la-rút",)),
    Item("KZ", "Kazakhstan", ("Ca-dắc-xtan",)),
    Item("US", "Hoa Kỳ", ("Mỹ", "Hợp chủng quốc Hoa Kỳ", "USA")),
    Item("CA", "Canada", ("Ca-na-đa",)),
    Item("MX", "Mexico", ("Mê-hi-cô",)),
    Item("BR", "Brazil", ("Bra-xin",)),
    Item("CU", "Cuba", ("Cu-ba",)),
    Item("GB", "Vương quốc Anh", ("Anh", "Vương quốc Liên hiệp Anh và Bắc Ai-len", "United Kingdom", "UK")),
    Item("IE", "Ireland", ("Ai-len",)),
    Item("FR", "Pháp", ("France",)),
    Item("DE", "Đức", ("Germany",)),
    Item("IT", "Italia", ("Ý", "I-ta-li-a", "Italy")),
    Item("ES", "Tây Ban Nha", ("Spain",)),
    Item("NL", "Hà Lan", ("Netherlands",)),
    Item("BE", "Bỉ", ("Belgium",)),
    Item("CH", "Thụy Sĩ", ("Switzerland",)),
    Item("AT", "Áo", ("Austria",)),
    Item("SE", "Thụy Điển", ("Sweden",)),
    Item("NO", "Na Uy", ("Norway",)),
    Item("DK", "Đan Mạch", ("Denmark",)),
    Item("FI", "Phần Lan", ("Finland",)),
    Item("PL", "Ba Lan", ("Poland",)),
    Item("CZ", "Séc", ("Cộng hòa Séc", "Czechia")),
    Item("HU", "Hungary", ("Hung-ga-ri",)),
    Item("TR", "Thổ Nhĩ Kỳ", ("Türkiye", "Turkey")),
    Item("IL", "Israel", ("I-xra-en",)),
    Item("AE", "Các Tiểu vương quốc Ả Rập Thống nhất", ("UAE",)),
    Item("SA", "Ả Rập Xê Út", ("Saudi Arabia",)),
    Item("EG", "Ai Cập", ("Egypt",)),
    Item("ZA", "Nam Phi", ("South Africa",)),
    Item("NG", "Nigeria", ("Ni-giê-ri-a",)),
    Item("AU", "Úc", ("Australia", "Ô-xtrây-li-a")),
    Item("NZ", "New Zealand", ("Niu Di-lân",)),
)

# --- 3. Religions -----------------------------------------------------------------------------------------------------
# The 16 religions recognised by the State (Ban Tôn giáo Chính phủ) under the Law on Belief and Religion 2016,
# plus "Không" and "Khác". UNSURE about the codes: I could not confirm the Ministry's own numbering. "00 Không" and
# 01 Phật giáo … 05 Phật giáo Hòa Hảo follow the widely used convention (also seen in citizen-data software);
# 06 onwards follow the order of recognition as I know it and are our own. "99 Khác" is our catch-all.
_TON_GIAO = (
    Item("00", "Không", ("Không theo tôn giáo", "Không tôn giáo")),
    Item("01", "Phật giáo", ("Đạo Phật",)),
    Item("02", "Công giáo", ("Thiên Chúa giáo", "Đạo Thiên Chúa", "Kitô giáo")),
    Item("03", "Tin Lành", ("Đạo Tin Lành",)),
    Item("04", "Cao Đài", ("Đạo Cao Đài",)),
    Item("05", "Phật giáo Hòa Hảo", ("Hòa Hảo",)),
    Item("06", "Hồi giáo", ("Islam", "Đạo Hồi")),
    Item("07", "Tôn giáo Baha'i", ("Baha'i",)),
    Item("08", "Tịnh độ Cư sĩ Phật hội Việt Nam", ("Tịnh độ Cư sĩ",)),
    Item("09", "Cơ đốc Phục lâm", ("Giáo hội Cơ đốc Phục lâm Việt Nam",)),
    Item("10", "Phật giáo Tứ Ân Hiếu Nghĩa", ("Tứ Ân Hiếu Nghĩa", "Đạo Tứ Ân Hiếu Nghĩa")),
    Item("11", "Bửu Sơn Kỳ Hương", ("Phật giáo Bửu Sơn Kỳ Hương",)),
    Item("12", "Minh Sư đạo", ("Giáo hội Phật đường Nam Tông Minh Sư đạo",)),
    Item("13", "Minh Lý đạo - Tam Tông Miếu", ("Minh Lý đạo", "Hội thánh Minh Lý đạo - Tam Tông Miếu")),
    Item("14", "Bà La Môn", ("Chăm Bà La Môn", "Bà-la-môn giáo")),
    Item("15", "Giáo hội Các Thánh hữu Ngày sau của Chúa Giê-su Ky-tô", ("Mặc Môn", "Mormon")),
    Item("16", "Phật giáo Hiếu Nghĩa Tà Lơn", ("Hiếu Nghĩa Tà Lơn",)),
    Item("99", "Khác", ("Tôn giáo khác",)),
)

# --- 4. Student status ------------------------------------------------------------------------------------------------
# Reconciliation with SPEC R2.4 ("the 12 national status codes: đang học; chuyển đến / nghỉ học xin học lại /
# chuyển đi / thôi học in term 1, term 2 or summer"): read literally that is 1 + 4×3 = 13, but the Ministry's
# sector database (CSDL ngành) has exactly 12, because "nghỉ học xin học lại" (return after dropping out) exists
# only for term 1 and term 2 — a learner coming back over the summer is simply enrolled for the new year. So:
# 1 (đang học) + 4 × 2 terms + 3 summer (chuyển đến, chuyển đi, thôi học) = 12, matching the SPEC's "12".
# Codes "01".."12" and the short names ("Chuyển đến kỳ 1" …) are the labels the CSDL software and its Excel
# exports use (three independent integrations agree on both); the longer forms are aliases.
_TRANG_THAI_HOC_SINH = (
    Item("01", "Đang học", ("Đang theo học",)),
    Item("02", "Chuyển đến kỳ 1", ("Chuyển đến học kỳ I", "Chuyển đến HK I", "Chuyển đến HK1", "Chuyển đến HKI")),
    Item(
        "03",
        "Nghỉ học xin học lại kỳ 1",
        ("Nghỉ học xin học lại học kỳ I", "Nghỉ học xin học lại HK I", "Nghỉ học xin học lại HK1"),
    ),
    Item("04", "Chuyển đi kỳ 1", ("Chuyển đi học kỳ I", "Chuyển đi HK I", "Chuyển đi HK1", "Chuyển đi HKI")),
    Item("05", "Thôi học kỳ 1", ("Thôi học học kỳ I", "Thôi học HK I", "Thôi học HK1", "Thôi học HKI")),
    Item("06", "Chuyển đến kỳ 2", ("Chuyển đến học kỳ II", "Chuyển đến HK II", "Chuyển đến HK2", "Chuyển đến HKII")),
    Item(
        "07",
        "Nghỉ học xin học lại kỳ 2",
        ("Nghỉ học xin học lại học kỳ II", "Nghỉ học xin học lại HK II", "Nghỉ học xin học lại HK2"),
    ),
    Item("08", "Chuyển đi kỳ 2", ("Chuyển đi học kỳ II", "Chuyển đi HK II", "Chuyển đi HK2", "Chuyển đi HKII")),
    Item("09", "Thôi học kỳ 2", ("Thôi học học kỳ II", "Thôi học HK II", "Thôi học HK2", "Thôi học HKII")),
    Item("10", "Chuyển đến trong hè", ("Chuyển đến hè",)),
    Item("11", "Chuyển đi trong hè", ("Chuyển đi hè",)),
    Item("12", "Thôi học trong hè", ("Thôi học hè",)),
)

# --- 5. Disability types ----------------------------------------------------------------------------------------------
# 01–06 are the six types of Luật Người khuyết tật 2010 (51/2010/QH12), Art. 3(1), in the law's order and with the
# numbering used by TT 01/2019/TT-BLĐTBXH and by the Ministry's database. 07–09 are the education sector's finer
# categories (inclusive-education practice under TT 03/2018/TT-BGDĐT and school surveys); their codes are OURS.
# For reporting under the law they roll up as: 07 tự kỷ → 04 thần kinh, tâm thần; 08 khuyết tật học tập → 06
# khác; 09 đa tật → the learner's main type (or 06).
_LOAI_KHUYET_TAT = (
    Item("01", "Khuyết tật vận động"),
    Item("02", "Khuyết tật nghe, nói", ("Khuyết tật nghe nói", "Khiếm thính", "Khuyết tật ngôn ngữ")),
    Item("03", "Khuyết tật nhìn", ("Khiếm thị",)),
    Item("04", "Khuyết tật thần kinh, tâm thần", ("Khuyết tật thần kinh tâm thần", "Khuyết tật tâm thần")),
    Item("05", "Khuyết tật trí tuệ", ("Chậm phát triển trí tuệ",)),
    Item("06", "Khuyết tật khác", ("Dạng khuyết tật khác",)),
    Item("07", "Rối loạn phổ tự kỷ", ("Tự kỷ", "Tự kỉ")),
    Item("08", "Khuyết tật học tập", ("Khó khăn về học", "Khó khăn về học tập", "Rối loạn học tập")),
    Item("09", "Đa khuyết tật", ("Đa tật",)),
)

# --- 6. Policy / support groups ---------------------------------------------------------------------------------------
# Codes are OURS (I know of no single national code list for this field). Groups come from: Pháp lệnh Ưu đãi người
# có công với cách mạng 2020 (children of martyrs, war invalids …); NĐ 81/2021/NĐ-CP on tuition exemption/reduction
# (poor/near-poor households, orphans, disabled learners, very small ethnic minorities); NĐ 105/2020/NĐ-CP
# (preschool children of industrial-zone workers — relevant to Hải Phòng); TTLT 42/2013/TTLT-BGDĐT-BLĐTBXH-BTC
# (disabled learners in poor households); the ethnic-minority / extremely-disadvantaged-area / coastal and island
# support policy (NĐ 116/2016/NĐ-CP). UNSURE: I believe NĐ 81/2021 and NĐ 116/2016 have since been replaced by
# 2025 decrees (e.g. NĐ 238/2025/NĐ-CP, NĐ 66/2025/NĐ-CP); the groups carried over, but check the numbers before
# quoting them to users.
_DOI_TUONG_CHINH_SACH = (
    Item("01", "Con liệt sĩ"),
    Item("02", "Con thương binh", ("Con người hưởng chính sách như thương binh",)),
    Item("03", "Con bệnh binh"),
    Item(
        "04",
        "Con của người hoạt động kháng chiến bị nhiễm chất độc hóa học",
        ("Con nạn nhân chất độc da cam", "Con người nhiễm chất độc hóa học"),
    ),
    Item("05", "Con Anh hùng Lực lượng vũ trang nhân dân, Anh hùng Lao động", ("Con anh hùng",)),
    Item("06", "Con của người có công với cách mạng khác", ("Con người có công",)),
    Item("07", "Thuộc hộ nghèo", ("Hộ nghèo", "Con hộ nghèo")),
    Item("08", "Thuộc hộ cận nghèo", ("Hộ cận nghèo", "Con hộ cận nghèo")),
    Item("09", "Mồ côi cả cha lẫn mẹ", ("Mồ côi cả cha và mẹ", "Mồ côi cha mẹ")),
    Item("10", "Mồ côi cha hoặc mẹ", ("Mồ côi cha", "Mồ côi mẹ")),
    Item("11", "Bị bỏ rơi, không nơi nương tựa", ("Không nơi nương tựa",)),
    Item("12", "Khuyết tật", ("Người khuyết tật", "Học sinh khuyết tật")),
    Item(
        "13",
        "Khuyết tật thuộc hộ nghèo hoặc hộ cận nghèo",
        ("Khuyết tật thuộc hộ nghèo", "Khuyết tật thuộc hộ cận nghèo"),
    ),
    Item("14", "Người dân tộc thiểu số rất ít người", ("Dân tộc thiểu số rất ít người", "DTTS rất ít người")),
    Item(
        "15",
        "Dân tộc thiểu số ở vùng đặc biệt khó khăn",
        ("DTTS vùng đặc biệt khó khăn", "Dân tộc thiểu số ở thôn, xã đặc biệt khó khăn"),
    ),
    Item(
        "16",
        "Ở xã, thôn đặc biệt khó khăn, xã bãi ngang ven biển, xã đảo",
        ("Vùng bãi ngang ven biển", "Học sinh xã đảo"),
    ),
    Item(
        "17",
        "Con công nhân, người lao động làm việc tại khu công nghiệp",
        ("Con công nhân khu công nghiệp", "Con công nhân KCN"),
    ),
)

# --- 7. Ownership -----------------------------------------------------------------------------------------------------
# Luật Giáo dục 2019 (43/2019/QH14) Art. 47(1): công lập, dân lập, tư thục — codes 1/2/3 as in the brief and the
# Ministry's statistics. "Bán công" no longer exists (converted by 2011) and is not listed; schools with foreign
# investment are "tư thục" by ownership (their kind is in `loai_truong`).
_LOAI_HINH_TRUONG = (
    Item("1", "Công lập", ("Trường công lập",)),
    Item("2", "Dân lập", ("Trường dân lập",)),
    Item("3", "Tư thục", ("Trường tư thục", "Tư nhân")),
)

# --- 8. School type ---------------------------------------------------------------------------------------------------
# Kinds per Luật Giáo dục 2019 (specialised schools, Art. 61: chuyên, năng khiếu, PTDT nội trú/bán trú, schools for
# learners with disabilities; practice schools; foreign-invested schools). Codes are OURS. Not listed because the
# Sở does not manage them: trường dự bị đại học, trường giáo dưỡng. Continuing-education centres are unit kinds,
# not school types.
_LOAI_TRUONG = (
    Item("01", "Trường phổ thông", ("Trường thường", "Trường chuẩn")),
    Item("02", "Trường chuyên", ("THPT chuyên", "Trường THPT chuyên")),
    Item("03", "Trường năng khiếu", ("Năng khiếu nghệ thuật", "Năng khiếu thể dục thể thao")),
    Item("04", "Trường phổ thông dân tộc nội trú", ("PTDTNT", "Dân tộc nội trú")),
    Item("05", "Trường phổ thông dân tộc bán trú", ("PTDTBT", "Dân tộc bán trú")),
    Item("06", "Trường chuyên biệt dành cho người khuyết tật", ("Trường chuyên biệt", "Trường khuyết tật")),
    Item("07", "Trường thực hành sư phạm", ("Trường thực hành", "Trường thực nghiệm")),
    Item("08", "Trường có vốn đầu tư nước ngoài", ("Trường quốc tế",)),
)

# --- 9. National standard ---------------------------------------------------------------------------------------------
# Levels per TT 19/2018/TT-BGDĐT (mầm non) and TT 22/2024/TT-BGDĐT (tiểu học, THCS, THPT, nhiều cấp học; it
# replaced TT 17/2018 and TT 18/2018). The brief's "TT 13/2018" looks like a slip: the 2018 standards were TT 17/18/19.
_CHUAN_QUOC_GIA = (
    Item("0", "Chưa đạt chuẩn", ("Chưa đạt", "Chưa đạt chuẩn quốc gia", "Không đạt chuẩn")),
    Item("1", "Đạt chuẩn mức độ 1", ("Mức độ 1", "Mức độ I", "Chuẩn quốc gia mức độ 1", "Đạt chuẩn quốc gia mức độ 1")),
    Item(
        "2", "Đạt chuẩn mức độ 2", ("Mức độ 2", "Mức độ II", "Chuẩn quốc gia mức độ 2", "Đạt chuẩn quốc gia mức độ 2")
    ),
)

# --- 10. Accreditation ------------------------------------------------------------------------------------------------
# Cấp độ 1–4 per TT 19/2018/TT-BGDĐT (mầm non) and TT 22/2024/TT-BGDĐT (phổ thông). "0" covers both "not yet
# evaluated" and "evaluated but below level 1" as the brief asks; if reports ever need to tell them apart, add a
# code rather than changing "0".
_KIEM_DINH = (
    Item("0", "Chưa kiểm định hoặc chưa đạt", ("Chưa kiểm định", "Chưa đạt", "Không đạt")),
    Item("1", "Cấp độ 1", ("Cấp độ I", "Đạt cấp độ 1", "Kiểm định cấp độ 1")),
    Item("2", "Cấp độ 2", ("Cấp độ II", "Đạt cấp độ 2", "Kiểm định cấp độ 2")),
    Item("3", "Cấp độ 3", ("Cấp độ III", "Đạt cấp độ 3", "Kiểm định cấp độ 3")),
    Item("4", "Cấp độ 4", ("Cấp độ IV", "Đạt cấp độ 4", "Kiểm định cấp độ 4")),
)

# --- 11. Sex ----------------------------------------------------------------------------------------------------------
# GSO convention: 1 Nam, 2 Nữ.
_GIOI_TINH = (
    Item("1", "Nam", ("Nam giới", "Trai", "Con trai")),
    Item("2", "Nữ", ("Nữ giới", "Gái", "Con gái")),
)

# --- 12. Area type ----------------------------------------------------------------------------------------------------
# Codes are OURS. Thành thị/nông thôn is the GSO's urban/rural split; khó khăn / đặc biệt khó khăn follow the
# Prime Minister's lists of disadvantaged communes; hải đảo matters for Hải Phòng (Cát Hải, Bạch Long Vĩ); miền núi
# for the hilly communes of the former Hải Dương (Chí Linh, Kinh Môn). A site has one main area type.
_KHU_VUC = (
    Item("01", "Thành thị", ("Đô thị",)),
    Item("02", "Nông thôn"),
    Item("03", "Miền núi", ("Miền núi, vùng sâu",)),
    Item("04", "Vùng khó khăn", ("Vùng có điều kiện kinh tế - xã hội khó khăn",)),
    Item("05", "Vùng đặc biệt khó khăn", ("Vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn", "ĐBKK")),
    Item("06", "Hải đảo", ("Xã đảo", "Đảo")),
)

# --- 13. Preschool age groups -----------------------------------------------------------------------------------------
# Groups per Điều lệ trường mầm non and the preschool curriculum (VBHN 01/VBHN-BGDĐT 2021). Codes 13–18 continue
# the grade numbering 1–12 ("khối") the way software synchronising with the Ministry database does; UNSURE that
# this is the Ministry's own numbering, but it is stable and lets grades and age groups share one key.
# Mầm/Chồi/Lá are the southern names for the three kindergarten groups.
_NHOM_TUOI_MAM_NON = (
    Item("13", "Nhóm trẻ 3-12 tháng tuổi", ("Trẻ từ 3-12 tháng", "Nhà trẻ 3-12 tháng", "Nhóm trẻ 3–12 tháng tuổi")),
    Item("14", "Nhóm trẻ 13-24 tháng tuổi", ("Trẻ từ 13-24 tháng", "Nhà trẻ 13-24 tháng", "Nhóm trẻ 13–24 tháng tuổi")),
    Item("15", "Nhóm trẻ 25-36 tháng tuổi", ("Trẻ từ 25-36 tháng", "Nhà trẻ 25-36 tháng", "Nhóm trẻ 25–36 tháng tuổi")),
    Item("16", "Lớp mẫu giáo 3-4 tuổi", ("Mẫu giáo bé", "Lớp bé", "Mầm", "Trẻ từ 3-4 tuổi", "Lớp mẫu giáo 3–4 tuổi")),
    Item(
        "17", "Lớp mẫu giáo 4-5 tuổi", ("Mẫu giáo nhỡ", "Lớp nhỡ", "Chồi", "Trẻ từ 4-5 tuổi", "Lớp mẫu giáo 4–5 tuổi")
    ),
    Item("18", "Lớp mẫu giáo 5-6 tuổi", ("Mẫu giáo lớn", "Lớp lớn", "Lá", "Trẻ từ 5-6 tuổi", "Lớp mẫu giáo 5–6 tuổi")),
)

# --- 14. Room kinds ---------------------------------------------------------------------------------------------------
# Kinds per TT 13/2020/TT-BGDĐT (one circular covering both mầm non, Chapter II, and phổ thông, Chapter III) and
# TT 14/2020/TT-BGDĐT (phòng học bộ môn). Codes are OUR stable short slugs. Subject rooms use the 2018 curriculum's
# spellings ("Vật lí", "Mĩ thuật"); the older "Vật lý", "Mỹ thuật" are aliases because folding keeps i/y apart.
_LOAI_PHONG = (
    # Learning rooms
    Item("PH", "Phòng học", ("Phòng học văn hóa", "Phòng học thường")),
    Item("PSHC", "Phòng sinh hoạt chung", ("Phòng nhóm, lớp mầm non", "Phòng nuôi dưỡng, chăm sóc, giáo dục trẻ")),
    Item("PNGU", "Phòng ngủ", ("Phòng ngủ của trẻ",)),
    Item("PBM_TIN", "Phòng học bộ môn Tin học", ("Phòng tin học", "Phòng máy tính")),
    Item("PBM_NN", "Phòng học bộ môn Ngoại ngữ", ("Phòng ngoại ngữ", "Phòng học tiếng")),
    Item("PBM_AN", "Phòng học bộ môn Âm nhạc", ("Phòng âm nhạc",)),
    Item("PBM_MT", "Phòng học bộ môn Mĩ thuật", ("Phòng học bộ môn Mỹ thuật", "Phòng mĩ thuật", "Phòng mỹ thuật")),
    Item("PBM_KHCN", "Phòng học bộ môn Khoa học - Công nghệ", ("Phòng khoa học - công nghệ",)),
    Item("PBM_KHTN", "Phòng học bộ môn Khoa học tự nhiên", ("Phòng khoa học tự nhiên",)),
    Item("PBM_LY", "Phòng học bộ môn Vật lí", ("Phòng học bộ môn Vật lý", "Phòng vật lí", "Phòng vật lý")),
    Item("PBM_HOA", "Phòng học bộ môn Hóa học", ("Phòng hóa học", "Phòng hóa")),
    Item("PBM_SINH", "Phòng học bộ môn Sinh học", ("Phòng sinh học", "Phòng sinh")),
    Item("PBM_CN", "Phòng học bộ môn Công nghệ", ("Phòng công nghệ",)),
    Item("PBM_KHXH", "Phòng học bộ môn Khoa học xã hội", ("Phòng khoa học xã hội", "Phòng Lịch sử và Địa lí")),
    Item("PBM_DCN", "Phòng đa chức năng", ("Phòng học bộ môn đa chức năng",)),
    Item("PGDTC", "Phòng giáo dục thể chất", ("Phòng thể chất",)),
    Item("PGDNT", "Phòng giáo dục nghệ thuật", ("Phòng nghệ thuật",)),
    # Learning support rooms
    Item("TV", "Thư viện", ("Phòng thư viện",)),
    Item("PTB", "Phòng thiết bị giáo dục", ("Phòng thiết bị", "Kho thiết bị")),
    Item(
        "PTVHD",
        "Phòng tư vấn học đường và hỗ trợ giáo dục học sinh khuyết tật học hòa nhập",
        ("Phòng tư vấn học đường", "Phòng hỗ trợ giáo dục hòa nhập"),
    ),
    Item("PDOI", "Phòng Đội Thiếu niên Tiền phong Hồ Chí Minh", ("Phòng Đội",)),
    Item("PTT", "Phòng truyền thống"),
    # Administration
    Item("PHT", "Phòng hiệu trưởng", ("Phòng giám đốc",)),
    Item("PPHT", "Phòng phó hiệu trưởng", ("Phòng phó giám đốc",)),
    Item("VP", "Văn phòng", ("Văn phòng nhà trường",)),
    Item("PHCQT", "Phòng hành chính quản trị", ("Phòng hành chính",)),
    Item("PHOP", "Phòng họp", ("Phòng hội đồng",)),
    Item("PTCM", "Phòng tổ chuyên môn", ("Phòng giáo viên", "Phòng sinh hoạt tổ chuyên môn")),
    Item("PYT", "Phòng y tế học đường", ("Phòng y tế",)),
    Item("PBV", "Phòng bảo vệ", ("Phòng thường trực",)),
    Item("PNV", "Phòng dành cho nhân viên", ("Phòng nhân viên",)),
    Item("KHO", "Nhà kho", ("Kho",)),
    # Toilets
    Item("WC_GV_NAM", "Nhà vệ sinh giáo viên nam", ("Khu vệ sinh giáo viên nam", "Phòng vệ sinh giáo viên nam")),
    Item("WC_GV_NU", "Nhà vệ sinh giáo viên nữ", ("Khu vệ sinh giáo viên nữ", "Phòng vệ sinh giáo viên nữ")),
    Item("WC_HS_NAM", "Nhà vệ sinh học sinh nam", ("Khu vệ sinh học sinh nam", "Phòng vệ sinh học sinh nam")),
    Item("WC_HS_NU", "Nhà vệ sinh học sinh nữ", ("Khu vệ sinh học sinh nữ", "Phòng vệ sinh học sinh nữ")),
    Item("WC_TRE", "Phòng vệ sinh của trẻ", ("Phòng vệ sinh nhóm, lớp", "Nhà vệ sinh trẻ em")),
    # Services and sport
    Item("BEP", "Nhà bếp", ("Bếp ăn", "Bếp ăn bán trú")),
    Item("NAN", "Nhà ăn", ("Phòng ăn",)),
    Item("KTX", "Nhà ở nội trú", ("Ký túc xá", "Nhà nội trú")),
    Item("NDN", "Nhà đa năng", ("Nhà thể chất", "Nhà tập đa năng")),
    Item("NXE", "Nhà để xe", ("Khu để xe",)),
)

# --- 15. Build quality ------------------------------------------------------------------------------------------------
# The split used by the Ministry's facilities statistics; codes as given in the brief.
_CHAT_LUONG_CONG_TRINH = (
    Item("KC", "Kiên cố"),
    Item("BKC", "Bán kiên cố"),
    Item("TAM", "Tạm", ("Nhà tạm", "Tạm thời")),
    Item("TM", "Thuê mượn", ("Thuê, mượn", "Đi thuê", "Đi mượn", "Học nhờ")),
)

# --- 16. Qualification (trình độ đào tạo) -----------------------------------------------------------------------------
# Levels of the national education system (Luật Giáo dục 2019 Art. 6; Luật Giáo dục nghề nghiệp for sơ cấp,
# trung cấp, cao đẳng). Codes are OURS. "Sỹ" spellings are aliases because folding keeps i/y apart.
_TRINH_DO_DAO_TAO = (
    Item("TSKH", "Tiến sĩ khoa học", ("Tiến sỹ khoa học", "TSKH")),
    Item("TS", "Tiến sĩ", ("Tiến sỹ", "TS")),
    Item("THS", "Thạc sĩ", ("Thạc sỹ", "ThS")),
    Item("DH", "Đại học", ("Cử nhân", "Kỹ sư")),
    Item("CD", "Cao đẳng"),
    Item("TC", "Trung cấp", ("Trung học chuyên nghiệp", "THCN")),
    Item("SC", "Sơ cấp"),
    Item("CQDT", "Chưa qua đào tạo", ("Chưa đào tạo", "Không qua đào tạo")),
)

# --- 17. Staff: type, contract form, work status, position, professional-standard assessment --------------------------
# Staff type: the three groups of the Điều lệ trường and the sector statistics. Codes 1/2/3 are OURS.
_LOAI_CAN_BO = (
    Item("1", "Cán bộ quản lý", ("CBQL",)),
    Item("2", "Giáo viên", ("GV",)),
    Item("3", "Nhân viên", ("NV",)),
)

# Contract form. Codes are OURS. NĐ 111/2022/NĐ-CP replaced NĐ 68/2000/NĐ-CP and NĐ 161/2018/NĐ-CP, so "Hợp đồng
# 68" in old files maps here.
_HINH_THUC_HOP_DONG = (
    Item("VC", "Viên chức", ("Biên chế", "Viên chức biên chế")),
    Item(
        "HD111",
        "Hợp đồng lao động theo Nghị định 111/2022/NĐ-CP",
        ("Hợp đồng 111", "Hợp đồng theo Nghị định 111", "Hợp đồng 68", "Hợp đồng theo Nghị định 68"),
    ),
    Item("HDLD", "Hợp đồng lao động", ("Hợp đồng lao động cơ sở ngoài công lập",)),
    Item("TG", "Thỉnh giảng", ("Giáo viên thỉnh giảng", "Hợp đồng thỉnh giảng")),
    Item("HDK", "Hợp đồng khác", ("Hợp đồng vụ việc", "Hợp đồng thời vụ")),
)

# Work status. Codes are OURS; labels follow the Ministry database's staff statuses ("Đã chuyển đi", "Đã điều
# động", "Chờ nghỉ hưu", "Thôi việc" are its wordings, kept as names or aliases).
_TRANG_THAI_CAN_BO = (
    Item("01", "Đang làm việc", ("Đang công tác",)),
    Item("02", "Chuyển đến"),
    Item("03", "Chuyển đi", ("Đã chuyển đi",)),
    Item("04", "Điều động", ("Đã điều động",)),
    Item("05", "Biệt phái", ("Đã biệt phái",)),
    Item("06", "Tạm nghỉ (ốm đau, thai sản)", ("Tạm nghỉ", "Nghỉ thai sản", "Nghỉ ốm", "Nghỉ chế độ")),
    Item("07", "Đi học dài hạn", ("Cử đi đào tạo", "Đi học")),
    Item("08", "Chờ nghỉ hưu", ("Nghỉ chờ hưu",)),
    Item("09", "Nghỉ hưu", ("Đã nghỉ hưu",)),
    Item("10", "Nghỉ việc", ("Thôi việc", "Đã nghỉ việc")),
    Item("11", "Từ trần", ("Đã mất",)),
)

# Position. Codes are OURS. Support positions follow the job-position circulars TT 19/2023/TT-BGDĐT (mầm non) and
# TT 20/2023/TT-BGDĐT (phổ thông); "Giám đốc"/"Phó giám đốc" are for centres (GDNN-GDTX, ngoại ngữ - tin học).
_CHUC_VU = (
    Item("HT", "Hiệu trưởng"),
    Item("PHT", "Phó hiệu trưởng"),
    Item("GD", "Giám đốc trung tâm", ("Giám đốc",)),
    Item("PGD", "Phó giám đốc trung tâm", ("Phó giám đốc",)),
    Item("TTCM", "Tổ trưởng chuyên môn", ("Tổ trưởng",)),
    Item("TPCM", "Tổ phó chuyên môn", ("Tổ phó",)),
    Item("TTVP", "Tổ trưởng tổ văn phòng", ("Tổ trưởng văn phòng",)),
    Item("TPT", "Tổng phụ trách Đội", ("Giáo viên Tổng phụ trách Đội", "TPT Đội")),
    Item("GV", "Giáo viên"),
    Item("KT", "Kế toán", ("Nhân viên kế toán",)),
    Item("VT", "Văn thư", ("Nhân viên văn thư",)),
    Item("TQ", "Thủ quỹ", ("Nhân viên thủ quỹ",)),
    Item("YT", "Y tế", ("Nhân viên y tế", "Y tế học đường")),
    Item("TV", "Thư viện", ("Nhân viên thư viện",)),
    Item("TB", "Thiết bị, thí nghiệm", ("Thiết bị", "Nhân viên thiết bị", "Nhân viên thiết bị, thí nghiệm")),
    Item("CNTT", "Công nghệ thông tin", ("Nhân viên công nghệ thông tin",)),
    Item("GVU", "Giáo vụ", ("Nhân viên giáo vụ",)),
    Item("HTKT", "Hỗ trợ giáo dục người khuyết tật", ("Nhân viên hỗ trợ giáo dục người khuyết tật",)),
    Item("BV", "Bảo vệ", ("Nhân viên bảo vệ",)),
    Item("PV", "Phục vụ", ("Nhân viên phục vụ", "Tạp vụ")),
    Item("NA", "Nấu ăn", ("Cấp dưỡng", "Nhân viên nấu ăn")),
)

# Professional-standard assessment: overall levels of TT 20/2018/TT-BGDĐT (giáo viên phổ thông), TT 26/2018 (giáo
# viên mầm non), TT 14/2018 and TT 25/2018 (hiệu trưởng). Codes are OURS: the level number, 0 = not met.
_DANH_GIA_CHUAN_NGHE_NGHIEP = (
    Item("3", "Tốt", ("Mức tốt",)),
    Item("2", "Khá", ("Mức khá",)),
    Item("1", "Đạt", ("Mức đạt",)),
    Item("0", "Chưa đạt", ("Chưa đạt chuẩn",)),
)

# --- 18. Foreign languages --------------------------------------------------------------------------------------------
# The foreign-language subjects of the 2018 general-education curriculum (TT 32/2018/TT-BGDĐT and the later
# subject curricula). Codes are ISO 639-1 in upper case. Names follow the curricula ("Tiếng Trung Quốc").
_NGOAI_NGU = (
    Item("EN", "Tiếng Anh", ("Anh văn", "English")),
    Item("FR", "Tiếng Pháp", ("Pháp văn",)),
    Item("ZH", "Tiếng Trung Quốc", ("Tiếng Trung", "Tiếng Hoa")),
    Item("JA", "Tiếng Nhật", ("Tiếng Nhật Bản",)),
    Item("KO", "Tiếng Hàn", ("Tiếng Hàn Quốc",)),
    Item("RU", "Tiếng Nga", ("Nga văn",)),
    Item("DE", "Tiếng Đức"),
)


# --- Learning results, awards and year outcomes of learners -------------------------------------------------------------
# Levels of Thông tư 22/2021/TT-BGDĐT (lower and upper secondary: Tốt, Khá, Đạt, Chưa đạt) and Thông tư 27/2020/TT-BGDĐT
# (primary: Hoàn thành xuất sắc, Hoàn thành tốt, Hoàn thành, Chưa hoàn thành). The codes are OUR stable convention.
_KET_QUA_HOC_TAP = (
    Item("T", "Tốt", ("Giỏi",)),
    Item("K", "Khá"),
    Item("D", "Đạt", ("Trung bình",)),
    Item("CD", "Chưa đạt", ("Yếu", "Kém")),
    Item("HTXS", "Hoàn thành xuất sắc", ("HTXS",)),
    Item("HTT", "Hoàn thành tốt", ("HTT",)),
    Item("HT", "Hoàn thành", ("HT",)),
    Item("CHT", "Chưa hoàn thành", ("CHT",)),
)
# Conduct (kết quả rèn luyện, TT 22/2021) and, for primary, the qualities and competences (phẩm chất, TT 27/2020).
_KET_QUA_REN_LUYEN = (
    Item("T", "Tốt"),
    Item("K", "Khá"),
    Item("D", "Đạt", ("Trung bình",)),
    Item("CD", "Chưa đạt", ("Yếu",)),
)
# Titles awarded at the end of the year (TT 22/2021 Điều 15; TT 27/2020 Điều 15). Codes are ours.
_DANH_HIEU_HOC_SINH = (
    Item("XS", "Học sinh Xuất sắc", ("HS Xuất sắc",)),
    Item("G", "Học sinh Giỏi", ("HS Giỏi",)),
    Item("HTXS", "Học sinh Hoàn thành xuất sắc (tiểu học)", ("Khen thưởng hoàn thành xuất sắc",)),
    Item("TBVT", "Học sinh có thành tích vượt trội (tiểu học)", ("Thành tích vượt trội",)),
)
# What the year's results decide (TT 22/2021 Điều 12–14; TT 27/2020 Điều 11). Codes are ours.
_KET_QUA_CUOI_NAM = (
    Item("LL", "Được lên lớp", ("Lên lớp",)),
    Item("HTCT", "Hoàn thành chương trình cấp học", ("Hoàn thành chương trình", "HTCT tiểu học")),
    Item("RLH", "Rèn luyện trong kỳ nghỉ hè", ("Rèn luyện hè",)),
    Item("KTL", "Kiểm tra lại", ("Thi lại",)),
    Item("OLL", "Ở lại lớp", ("Lưu ban",)),
)

# --- Staff: emulation titles and awards, discipline, training ---------------------------------------------------------
# Titles and awards of Luật Thi đua, khen thưởng 2022 and Nghị định 98/2023/NĐ-CP, those a school's staff receive.
# Codes are ours.
_DANH_HIEU_THI_DUA = (
    Item("LDTT", "Lao động tiên tiến"),
    Item("CSTDCS", "Chiến sĩ thi đua cơ sở"),
    Item("CSTDTP", "Chiến sĩ thi đua thành phố", ("Chiến sĩ thi đua cấp tỉnh", "Chiến sĩ thi đua cấp thành phố")),
    Item("CSTDTQ", "Chiến sĩ thi đua toàn quốc"),
    Item("GK", "Giấy khen", ("Giấy khen của Giám đốc Sở", "Giấy khen của Chủ tịch UBND xã")),
    Item("BK_TP", "Bằng khen của Chủ tịch Ủy ban nhân dân thành phố", ("Bằng khen UBND thành phố",)),
    Item("BK_BO", "Bằng khen của Bộ trưởng Bộ Giáo dục và Đào tạo", ("Bằng khen của Bộ GD&ĐT",)),
    Item("BK_TTG", "Bằng khen của Thủ tướng Chính phủ", ("Bằng khen Thủ tướng",)),
    Item("NGUT", "Nhà giáo Ưu tú", ("NGƯT",)),
    Item("NGND", "Nhà giáo Nhân dân", ("NGND",)),
    Item("HCLD", "Huân chương Lao động"),
)
# Disciplinary forms for public employees (Luật Viên chức 2010, Điều 52; Nghị định 112/2020/NĐ-CP). Codes are ours,
# in increasing severity.
_HINH_THUC_KY_LUAT = (
    Item("01", "Khiển trách"),
    Item("02", "Cảnh cáo"),
    Item("03", "Hạ bậc lương"),
    Item("04", "Giáng chức"),
    Item("05", "Cách chức"),
    Item("06", "Buộc thôi việc"),
)
# Kinds of training and professional development of teachers and managers. Codes are ours.
_LOAI_BOI_DUONG = (
    Item("BDTX", "Bồi dưỡng thường xuyên"),
    Item("CDNN", "Bồi dưỡng theo tiêu chuẩn chức danh nghề nghiệp", ("Bồi dưỡng chức danh nghề nghiệp",)),
    Item("CBQL", "Bồi dưỡng cán bộ quản lý cơ sở giáo dục", ("Bồi dưỡng cán bộ quản lý",)),
    Item("GDPT2018", "Bồi dưỡng thực hiện Chương trình giáo dục phổ thông 2018", ("Bồi dưỡng chương trình mới",)),
    Item("NANGCHUAN", "Đào tạo nâng trình độ chuẩn", ("Nâng chuẩn", "Đào tạo nâng chuẩn")),
    Item("LLCT", "Lý luận chính trị"),
    Item("QLNN", "Quản lý nhà nước"),
    Item("NN", "Ngoại ngữ"),
    Item("TH", "Tin học, chuyển đổi số", ("Tin học",)),
)

# --- Equipment checklist (danh mục thiết bị) -----------------------------------------------------------------------------
# The items a school's checklist covers, after the minimum teaching equipment lists (Thông tư 37/2021, 38/2021,
# 39/2021/TT-BGDĐT; mầm non: Thông tư 02/2010 as amended) and the facility standards (Thông tư 13/2020/TT-BGDĐT).
# Codes are ours.
_THIET_BI = (
    Item("TBTT", "Thiết bị dạy học tối thiểu theo chương trình (đủ cho các khối lớp)", ("Thiết bị dạy học tối thiểu",)),
    Item("MN_DDDC", "Đồ dùng, đồ chơi, thiết bị dạy học tối thiểu mầm non", ("Đồ dùng đồ chơi mầm non",)),
    Item("MN_NGOAITROI", "Đồ chơi ngoài trời (mầm non)", ("Đồ chơi ngoài trời",)),
    Item("MT_HS", "Máy tính cho học sinh học Tin học", ("Máy vi tính học sinh",)),
    Item("MT_GV", "Máy tính cho giáo viên, cán bộ, nhân viên", ("Máy vi tính giáo viên",)),
    Item("TRINHCHIEU", "Máy chiếu hoặc màn hình trình chiếu trong lớp học", ("Máy chiếu", "Tivi lớp học")),
    Item("BANGTT", "Bảng tương tác thông minh", ("Bảng thông minh",)),
    Item("INTERNET", "Kết nối Internet cho dạy học", ("Internet",)),
    Item("TN_KHTN", "Thiết bị thí nghiệm Khoa học tự nhiên, Vật lý, Hóa học, Sinh học", ("Thiết bị thí nghiệm",)),
    Item("NGHENHIN_NN", "Thiết bị nghe nhìn dạy Ngoại ngữ", ("Phòng học ngoại ngữ",)),
    Item("AMNHAC", "Nhạc cụ, thiết bị dạy Âm nhạc"),
    Item("MYTHUAT", "Thiết bị dạy Mỹ thuật"),
    Item("GDTC", "Dụng cụ Giáo dục thể chất", ("Dụng cụ thể dục thể thao",)),
    Item("BANGHE", "Bàn ghế học sinh đúng quy cách", ("Bàn ghế học sinh",)),
    Item("THUVIEN", "Sách, tài liệu tham khảo thư viện", ("Sách thư viện",)),
    Item("YTE", "Tủ thuốc và thiết bị y tế trường học", ("Tủ thuốc",)),
    Item("PCCC", "Thiết bị phòng cháy, chữa cháy", ("Bình chữa cháy",)),
    Item("NUOCSACH", "Nước sạch cho ăn uống, sinh hoạt", ("Nước sạch",)),
)


CODE_LISTS: list[CodeListData] = [
    CodeListData(
        "dan_toc",
        "Dân tộc",
        "Danh mục 54 dân tộc Việt Nam với mã số theo Danh mục các thành phần dân tộc Việt Nam của Tổng cục Thống kê (Quyết định số 121-TCTK/PPCĐ ngày 02/3/1979), dùng trong cơ sở dữ liệu ngành giáo dục.",
        _DAN_TOC,
    ),
    CodeListData(
        "quoc_tich",
        "Quốc tịch",
        "Danh mục quốc tịch thường gặp của người học và nhà giáo, mã theo tiêu chuẩn ISO 3166-1 alpha-2 (TCVN 7217-1:2007).",
        _QUOC_TICH,
    ),
    CodeListData(
        "ton_giao",
        "Tôn giáo",
        "Danh mục các tôn giáo được Nhà nước công nhận theo Luật Tín ngưỡng, tôn giáo năm 2016, kèm mục «Không» và «Khác».",
        _TON_GIAO,
    ),
    CodeListData(
        "trang_thai_hoc_sinh",
        "Trạng thái học sinh",
        "Danh mục 12 trạng thái học sinh của cơ sở dữ liệu ngành giáo dục theo Quyết định số 4998/QĐ-BGDĐT của Bộ Giáo dục và Đào tạo và các văn bản thay thế.",
        _TRANG_THAI_HOC_SINH,
    ),
    CodeListData(
        "loai_khuyet_tat",
        "Dạng khuyết tật",
        "Danh mục dạng khuyết tật theo khoản 1 Điều 3 Luật Người khuyết tật năm 2010, bổ sung các dạng dùng trong giáo dục hòa nhập theo Thông tư số 03/2018/TT-BGDĐT.",
        _LOAI_KHUYET_TAT,
    ),
    CodeListData(
        "doi_tuong_chinh_sach",
        "Đối tượng chính sách",
        "Danh mục đối tượng chính sách, hỗ trợ của người học theo Pháp lệnh Ưu đãi người có công với cách mạng năm 2020, Nghị định số 81/2021/NĐ-CP, Nghị định số 105/2020/NĐ-CP và Thông tư liên tịch số 42/2013/TTLT-BGDĐT-BLĐTBXH-BTC.",
        _DOI_TUONG_CHINH_SACH,
    ),
    CodeListData(
        "loai_hinh_truong",
        "Loại hình trường",
        "Danh mục loại hình nhà trường (công lập, dân lập, tư thục) theo khoản 1 Điều 47 Luật Giáo dục năm 2019.",
        _LOAI_HINH_TRUONG,
    ),
    CodeListData(
        "loai_truong",
        "Loại trường",
        "Danh mục loại trường (phổ thông, chuyên, năng khiếu, dân tộc nội trú, dân tộc bán trú, chuyên biệt, thực hành, có vốn đầu tư nước ngoài) theo Luật Giáo dục năm 2019.",
        _LOAI_TRUONG,
    ),
    CodeListData(
        "chuan_quoc_gia",
        "Chuẩn quốc gia",
        "Danh mục mức độ công nhận trường đạt chuẩn quốc gia theo Thông tư số 19/2018/TT-BGDĐT (mầm non) và Thông tư số 22/2024/TT-BGDĐT (phổ thông).",
        _CHUAN_QUOC_GIA,
    ),
    CodeListData(
        "kiem_dinh",
        "Kiểm định chất lượng giáo dục",
        "Danh mục cấp độ kiểm định chất lượng giáo dục nhà trường theo Thông tư số 19/2018/TT-BGDĐT (mầm non) và Thông tư số 22/2024/TT-BGDĐT (phổ thông).",
        _KIEM_DINH,
    ),
    CodeListData(
        "gioi_tinh",
        "Giới tính",
        "Danh mục giới tính với mã theo quy ước của Tổng cục Thống kê (1 Nam, 2 Nữ).",
        _GIOI_TINH,
    ),
    CodeListData(
        "khu_vuc",
        "Khu vực",
        "Danh mục khu vực của điểm trường theo phân loại thành thị, nông thôn của Tổng cục Thống kê và danh sách vùng khó khăn, đặc biệt khó khăn, hải đảo do Thủ tướng Chính phủ ban hành.",
        _KHU_VUC,
    ),
    CodeListData(
        "nhom_tuoi_mam_non",
        "Nhóm tuổi mầm non",
        "Danh mục nhóm trẻ, lớp mẫu giáo theo độ tuổi theo Điều lệ trường mầm non và Chương trình giáo dục mầm non của Bộ Giáo dục và Đào tạo.",
        _NHOM_TUOI_MAM_NON,
    ),
    CodeListData(
        "loai_phong",
        "Loại phòng, công trình",
        "Danh mục loại phòng, công trình của cơ sở giáo dục theo Thông tư số 13/2020/TT-BGDĐT về tiêu chuẩn cơ sở vật chất trường mầm non, phổ thông và Thông tư số 14/2020/TT-BGDĐT về phòng học bộ môn.",
        _LOAI_PHONG,
    ),
    CodeListData(
        "chat_luong_cong_trinh",
        "Chất lượng công trình",
        "Danh mục phân loại chất lượng công trình (kiên cố, bán kiên cố, tạm, thuê mượn) dùng trong thống kê cơ sở vật chất ngành giáo dục.",
        _CHAT_LUONG_CONG_TRINH,
    ),
    CodeListData(
        "trinh_do_dao_tao",
        "Trình độ đào tạo",
        "Danh mục trình độ đào tạo của cán bộ, giáo viên, nhân viên theo các trình độ của hệ thống giáo dục quốc dân tại Luật Giáo dục năm 2019 và Luật Giáo dục nghề nghiệp.",
        _TRINH_DO_DAO_TAO,
    ),
    CodeListData(
        "loai_can_bo",
        "Loại cán bộ",
        "Danh mục nhóm đội ngũ (cán bộ quản lý, giáo viên, nhân viên) theo Điều lệ nhà trường và chế độ báo cáo thống kê ngành giáo dục.",
        _LOAI_CAN_BO,
    ),
    CodeListData(
        "hinh_thuc_hop_dong",
        "Hình thức hợp đồng",
        "Danh mục hình thức tuyển dụng, hợp đồng của đội ngũ theo Luật Viên chức và Nghị định số 111/2022/NĐ-CP về hợp đồng đối với một số loại công việc.",
        _HINH_THUC_HOP_DONG,
    ),
    CodeListData(
        "trang_thai_can_bo",
        "Trạng thái cán bộ",
        "Danh mục trạng thái công tác của cán bộ, giáo viên, nhân viên theo cơ sở dữ liệu ngành giáo dục và quy định về quản lý viên chức.",
        _TRANG_THAI_CAN_BO,
    ),
    CodeListData(
        "chuc_vu",
        "Chức vụ",
        "Danh mục chức vụ, vị trí việc làm trong cơ sở giáo dục theo Thông tư số 19/2023/TT-BGDĐT (mầm non) và Thông tư số 20/2023/TT-BGDĐT (phổ thông).",
        _CHUC_VU,
    ),
    CodeListData(
        "danh_gia_chuan_nghe_nghiep",
        "Đánh giá chuẩn nghề nghiệp",
        "Danh mục mức đánh giá chuẩn nghề nghiệp giáo viên, chuẩn hiệu trưởng theo Thông tư số 20/2018/TT-BGDĐT, 26/2018/TT-BGDĐT, 14/2018/TT-BGDĐT và 25/2018/TT-BGDĐT.",
        _DANH_GIA_CHUAN_NGHE_NGHIEP,
    ),
    CodeListData(
        "ngoai_ngu",
        "Ngoại ngữ",
        "Danh mục ngoại ngữ được dạy trong Chương trình giáo dục phổ thông 2018 (Thông tư số 32/2018/TT-BGDĐT), mã theo ISO 639-1.",
        _NGOAI_NGU,
    ),
    CodeListData(
        "ket_qua_hoc_tap",
        "Kết quả học tập",
        "Mức kết quả học tập của học sinh theo Thông tư số 22/2021/TT-BGDĐT (trung học) và Thông tư số 27/2020/TT-BGDĐT (tiểu học).",
        _KET_QUA_HOC_TAP,
    ),
    CodeListData(
        "ket_qua_ren_luyen",
        "Kết quả rèn luyện",
        "Mức kết quả rèn luyện (trung học) và phẩm chất, năng lực (tiểu học) của học sinh theo Thông tư số 22/2021/TT-BGDĐT và Thông tư số 27/2020/TT-BGDĐT.",
        _KET_QUA_REN_LUYEN,
    ),
    CodeListData(
        "danh_hieu_hoc_sinh",
        "Danh hiệu học sinh",
        "Danh hiệu, khen thưởng cuối năm học của học sinh theo Thông tư số 22/2021/TT-BGDĐT và Thông tư số 27/2020/TT-BGDĐT.",
        _DANH_HIEU_HOC_SINH,
    ),
    CodeListData(
        "ket_qua_cuoi_nam",
        "Kết quả cuối năm",
        "Kết quả xét cuối năm học của học sinh (lên lớp, hoàn thành chương trình, rèn luyện hè, kiểm tra lại, ở lại lớp).",
        _KET_QUA_CUOI_NAM,
    ),
    CodeListData(
        "danh_hieu_thi_dua",
        "Danh hiệu thi đua, khen thưởng",
        "Danh hiệu thi đua và hình thức khen thưởng của cán bộ, giáo viên, nhân viên theo Luật Thi đua, khen thưởng năm 2022 và Nghị định số 98/2023/NĐ-CP.",
        _DANH_HIEU_THI_DUA,
    ),
    CodeListData(
        "hinh_thuc_ky_luat",
        "Hình thức kỷ luật",
        "Hình thức kỷ luật viên chức theo Điều 52 Luật Viên chức năm 2010 và Nghị định số 112/2020/NĐ-CP.",
        _HINH_THUC_KY_LUAT,
    ),
    CodeListData(
        "loai_boi_duong",
        "Loại đào tạo, bồi dưỡng",
        "Loại hình đào tạo, bồi dưỡng của nhà giáo và cán bộ quản lý giáo dục.",
        _LOAI_BOI_DUONG,
    ),
    CodeListData(
        "thiet_bi",
        "Danh mục thiết bị",
        "Các mục kiểm tra thiết bị dạy học của nhà trường theo các Thông tư số 37/2021, 38/2021, 39/2021/TT-BGDĐT về danh mục thiết bị dạy học tối thiểu và Thông tư số 13/2020/TT-BGDĐT về tiêu chuẩn cơ sở vật chất.",
        _THIET_BI,
    ),
]
