"""Every word printed on a notice, in English and Hindi, and how dates and money are written.

``STRINGS`` maps a language to its strings; both languages have the same keys (a test checks). The
layout code only asks for ``t(key)`` (English), ``t(key, lang="hi")`` or ``bi(key)`` ("हिंदी / English").
A new language is one more dict here.
"""

from __future__ import annotations

from datetime import date, datetime

EN: dict[str, str] = {
    # header
    "authority_sub": "{district} District, {state}",
    "title": "NOTICE OF TRAFFIC VIOLATION (e-Challan)",
    "return_to": "If undelivered, return to: {unit}, {state}",
    # reference block
    "challan_no": "Challan No.",
    "issued_on": "Issued on",
    "due_on": "Pay or contest by",
    # offence details
    "section_offence": "Offence details",
    "vehicle_number": "Vehicle number",
    "vehicle": "Vehicle (class, model, colour)",
    "offence": "Offence",
    "section": "Provision violated",
    "section_value": "Section {section}, Motor Vehicles Act, 1988",
    "occurred_at": "Date and time of offence",
    "location": "Place of offence",
    "camera": "Camera ID",
    "fine": "Fine amount",
    # evidence
    "section_evidence": "Photographic evidence",
    "plate_crop": "Number plate",
    "recorded": "Recorded {moment} by camera {camera}",
    "plate_missing": "Plate image not available",
    "hash_label": "Evidence SHA-256:",
    "evidence_note": (
        "Recorded automatically by a traffic enforcement camera; the offending vehicle is boxed. "
        "Faces of bystanders and plates of other vehicles are blurred on this copy only."
    ),
    # front-page instructions
    "pay_title": "How to pay",
    "pay_short": "Scan the QR code with any UPI app, or pay at {portal} or any Traffic Police station.",
    "contest_title": "How to contest",
    "contest_short": "Contest online before the due date; the case then goes to the Virtual Court.",
    "after_due": "After {due}: the challan is sent to the Virtual Court for disposal under law.",
    "qr_caption": "Scan to verify and pay",
    "see_back": "Full instructions overleaf.",
    # back page
    "back_title": "How to pay, contest or verify this notice",
    "back_pay": (
        "Pay the fine online with any UPI app by scanning the QR code on the front, or on {portal} "
        "with the challan number, or in person at any Traffic Police station or payment counter. "
        "Keep the receipt until the case is closed."
    ),
    "back_contest": (
        "If you believe this notice is wrong (the vehicle was sold or stolen, or the plate was misread), "
        "contest it on {portal} before the due date. The case is then heard by the Virtual Court; you "
        "need not appear in person. Quote the challan number and attach supporting documents."
    ),
    "back_after": (
        "A notice neither paid nor contested by the due date is sent to the Virtual Court for disposal "
        "under law, and services for the vehicle (transfer, fitness, permits) may be held until it is "
        "settled."
    ),
    "back_verify": (
        "Verify this notice at {verify}: the page shows the same challan number, amount and evidence "
        "fingerprint (SHA-256). Do not pay through links received by SMS or e-mail."
    ),
    "back_privacy": (
        "The original evidence is kept unaltered on record. Faces of bystanders and plates of other "
        "vehicles are blurred on the printed copy."
    ),
    "back_pay_title": "How to pay",
    "back_contest_title": "How to contest (Virtual Court)",
    "back_after_title": "After the due date",
    "back_verify_title": "Verify this notice",
    "back_privacy_title": "Privacy",
    # footer
    "footer": "This is a computer-generated notice and does not require a signature.",
    "footer_ref": "Challan {number} · page {page} of 2",
}

HI: dict[str, str] = {
    "authority_sub": "{district} ज़िला, {state}",
    "title": "यातायात नियम उल्लंघन सूचना (ई-चालान)",
    "return_to": "न मिलने पर लौटाएँ: {unit}, {state}",
    "challan_no": "चालान संख्या",
    "issued_on": "जारी करने की तिथि",
    "due_on": "भुगतान या आपत्ति की अंतिम तिथि",
    "section_offence": "उल्लंघन का विवरण",
    "vehicle_number": "वाहन संख्या",
    "vehicle": "वाहन (श्रेणी, मॉडल, रंग)",
    "offence": "उल्लंघन",
    "section": "उल्लंघित प्रावधान",
    "section_value": "धारा {section}, मोटर वाहन अधिनियम, 1988",
    "occurred_at": "उल्लंघन की तिथि और समय",
    "location": "उल्लंघन का स्थान",
    "camera": "कैमरा आईडी",
    "fine": "जुर्माना राशि",
    "section_evidence": "फ़ोटो साक्ष्य",
    "plate_crop": "नंबर प्लेट",
    "recorded": "कैमरा {camera} द्वारा {moment} पर दर्ज",
    "plate_missing": "प्लेट की छवि उपलब्ध नहीं",
    "hash_label": "साक्ष्य SHA-256:",
    "evidence_note": (
        "यातायात कैमरे द्वारा स्वतः दर्ज; उल्लंघन करने वाला वाहन बॉक्स में दिखाया गया है। "
        "इस प्रति पर राहगीरों के चेहरे और अन्य वाहनों की प्लेटें धुंधली की गई हैं।"
    ),
    "pay_title": "भुगतान कैसे करें",
    "pay_short": "किसी भी यूपीआई ऐप से क्यूआर कोड स्कैन करें, या {portal} अथवा किसी यातायात पुलिस थाने पर भुगतान करें।",
    "contest_title": "आपत्ति कैसे करें",
    "contest_short": "अंतिम तिथि से पहले ऑनलाइन आपत्ति करें; मामला वर्चुअल कोर्ट में जाएगा।",
    "after_due": "{due} के बाद: चालान विधि अनुसार निपटान हेतु वर्चुअल कोर्ट भेजा जाएगा।",
    "qr_caption": "सत्यापन और भुगतान हेतु स्कैन करें",
    "see_back": "पूरे निर्देश पीछे देखें।",
    "back_title": "इस सूचना का भुगतान, आपत्ति या सत्यापन कैसे करें",
    "back_pay": (
        "सामने छपे क्यूआर कोड को किसी भी यूपीआई ऐप से स्कैन करके, या चालान संख्या के साथ {portal} पर, "
        "या किसी भी यातायात पुलिस थाने या भुगतान काउंटर पर जुर्माना भरें। मामला बंद होने तक रसीद रखें।"
    ),
    "back_contest": (
        "यदि आपको लगता है कि यह सूचना गलत है (वाहन बेचा या चोरी हो गया था, या प्लेट गलत पढ़ी गई), तो "
        "अंतिम तिथि से पहले {portal} पर आपत्ति दर्ज करें। मामले की सुनवाई वर्चुअल कोर्ट में होगी; स्वयं "
        "उपस्थित होना आवश्यक नहीं है। चालान संख्या लिखें और सहायक दस्तावेज़ संलग्न करें।"
    ),
    "back_after": (
        "अंतिम तिथि तक न भरी गई और न चुनौती दी गई सूचना विधि अनुसार निपटान हेतु वर्चुअल कोर्ट भेजी जाएगी, "
        "और निपटान तक वाहन से जुड़ी सेवाएँ (हस्तांतरण, फ़िटनेस, परमिट) रोकी जा सकती हैं।"
    ),
    "back_verify": (
        "इस सूचना का सत्यापन {verify} पर करें: वहाँ यही चालान संख्या, राशि और साक्ष्य का फ़िंगरप्रिंट "
        "(SHA-256) दिखेगा। एसएमएस या ई-मेल से मिले लिंक द्वारा भुगतान न करें।"
    ),
    "back_privacy": (
        "मूल साक्ष्य बिना बदलाव के रिकॉर्ड में सुरक्षित है। छपी प्रति पर राहगीरों के चेहरे और अन्य वाहनों की प्लेटें धुंधली की गई हैं।"
    ),
    "back_pay_title": "भुगतान कैसे करें",
    "back_contest_title": "आपत्ति कैसे करें (वर्चुअल कोर्ट)",
    "back_after_title": "अंतिम तिथि के बाद",
    "back_verify_title": "सूचना का सत्यापन",
    "back_privacy_title": "निजता",
    "footer": "यह कंप्यूटर द्वारा बनाई गई सूचना है, इस पर हस्ताक्षर आवश्यक नहीं।",
    "footer_ref": "चालान {number} · पृष्ठ {page} / 2",
}

STRINGS: dict[str, dict[str, str]] = {"en": EN, "hi": HI}

VEHICLE_CLASSES: dict[str, tuple[str, str]] = {
    "car": ("Car", "कार"),
    "motorcycle": ("Motorcycle / Scooter", "मोटरसाइकिल / स्कूटर"),
    "bus": ("Bus", "बस"),
    "truck": ("Truck", "ट्रक"),
    "auto": ("Auto-rickshaw", "ऑटो-रिक्शा"),
    "auto_rickshaw": ("Auto-rickshaw", "ऑटो-रिक्शा"),
    "bicycle": ("Bicycle", "साइकिल"),
}

# Summary page and skip reasons (office use, English only).
SKIP_REASONS: dict[str, str] = {
    "no_address": "owner address missing",
    "name_too_long": "owner name does not fit the envelope window",
    "address_too_long": "address does not fit the envelope window",
    "no_evidence_record": "no frame evidence file on record",
    "evidence_missing": "evidence file missing",
    "evidence_unreadable": "evidence file unreadable",
    "hash_mismatch": "evidence file does not match its SHA-256 (altered?)",
}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The string for ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    text = STRINGS[lang][key]
    return text.format(**values) if values else text


def bi(key: str, hindi: bool = True, sep: str = " / ", **values: object) -> str:
    """Hindi and English on one line; English alone when no Devanagari font is available."""
    english = STRINGS["en"][key].format(**values)
    return STRINGS["hi"][key].format(**values) + sep + english if hindi else english


def vehicle_class(name: str, lang: str = "en") -> str:
    known = VEHICLE_CLASSES.get(name.lower())
    if known is None:
        return name.replace("_", " ").capitalize()
    return known[1] if lang == "hi" else known[0]


def format_date(iso: str) -> str:
    """``2025-03-12`` -> ``12-03-2025`` (Indian day-first order); unparseable text is shown as is."""
    try:
        return date.fromisoformat(iso[:10]).strftime("%d-%m-%Y")
    except ValueError:
        return iso


def format_datetime(iso: str) -> str:
    """``2025-03-12T14:32:05+05:30`` -> ``12-03-2025 14:32:05 (UTC+05:30)``."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    text = moment.strftime("%d-%m-%Y %H:%M:%S")
    offset = moment.strftime("%z")
    if offset:
        text += f" (UTC{offset[:3]}:{offset[3:5]})"
    return text


def format_amount(amount: int, currency: str) -> str:
    """Indian digit grouping: ``format_amount(150000, "₹")`` -> ``₹ 1,50,000``."""
    digits = str(abs(amount))
    if len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        groups: list[str] = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        digits = ",".join([*groups, tail])
    sign = "-" if amount < 0 else ""
    return f"{sign}{currency} {digits}"
