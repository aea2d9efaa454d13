"""The BPMN 2.0 schema's refusals in words: libxml's English sentences (``Element
'{...}userTask', attribute 'nama': The attribute 'nama' is not allowed.``) become
Indonesian ones that name the element by its tag, id and line, as every other upload
refusal does (README "Mendeploy SOP")."""

import re

from lxml import etree

from engine.bpmn.xml import ID_RULE, where

_SUBJECT = re.compile(
    r"^Element '(?:\{[^}]*\})?(?P<tag>[\w.-]+)'(?:, attribute '(?P<attr>[^']+)')?: "
    r"(?P<rest>.*)$", re.DOTALL)
_NAMES = re.compile(r"(?:\{[^}]*\})?([\w.-]+)")
# (pattern of libxml's sentence, Indonesian with {tag} {attr} and the pattern's groups)
_SENTENCES = (
    # BPMN's own attribute of a formal expression, refused on one without its xsi:type:
    # not a typing slip, and Alur reads one language only.
    (r"The attribute 'language' is not allowed",
     ("atribut 'language' tidak dipakai Alur pada {tag}: kondisi dan durasi selalu ditulis "
      'dalam bentuk Alur (mis. keputusan == "ya", "PT30M"); hapus atributnya')),
    (r"The attribute '(?P<name>[^']+)' is not allowed",
     "atribut '{name}' tidak dikenal BPMN pada {tag} (salah ketik?)"),
    (r"The attribute '(?P<name>[^']+)' is required but missing",
     "atribut '{name}' wajib ada pada {tag}"),
    (r"'(?P<value>[^']*)' is not a valid value of the atomic type 'xs:(?:ID|IDREF|NCName)'",
     f"nilai '{{value}}' pada {{attr}} bukan id yang sah: {ID_RULE}"),
    (r"'(?P<value>[^']*)' is not a valid value of (?P<what>.*)",
     "nilai '{value}' pada {attr} tidak sah"),
    (r"This element is not expected\. Expected is (?:one of )?\((?P<expected>[^)]*)\)",
     ("{tag} tidak boleh berada di sini: urutan atau tempat elemen salah (yang diharapkan "
      "di tempat ini: {expected})")),
    (r"This element is not expected",
     "{tag} tidak boleh berada di sini: urutan atau tempat elemen salah"),
    (r"Missing child element\(s\)\. Expected is (?:one of )?\((?P<expected>[^)]*)\)",
     "{tag} kurang elemen di dalamnya (yang diharapkan: {expected})"),
    (r"Character content other than whitespace is not allowed because the content type is "
     r"'element-only'",
     "{tag} memuat teks di luar elemen; di dalam {tag} hanya elemen yang boleh ada"),
    (r"The QName value '(?P<value>[^']*)' of the xsi:type attribute does not resolve to a "
     r"type definition",
     ("xsi:type '{value}' pada {tag} bukan jenis BPMN yang dikenal (tulis dengan awalan "
      "namespace-nya, mis. bpmn:tFormalExpression)")),
)


def schema_refusal(message: str, line: int | None, root: etree._Element | None) -> str:
    """An Indonesian sentence for libxml's schema refusal ``message`` at ``line``, naming
    the element found there in ``root`` (tag, id and line). A sentence not known here is
    kept as libxml wrote it, after the element."""
    found = _SUBJECT.match(message.strip().rstrip("."))
    if found is None:
        return f"BPMN tidak sesuai skema (baris {line}): {message.strip()}"
    tag, attr, rest = found.group("tag"), found.group("attr") or "", found.group("rest")
    element = _element_at(root, tag, line)
    subject = where(element) if element is not None else f"{tag} (baris {line})"
    for pattern, words in _SENTENCES:
        sentence = re.match(pattern, rest.strip().rstrip("."), re.DOTALL)
        if sentence is not None:
            values = sentence.groupdict()
            # No attribute: libxml speaks of the element's text (``<incoming>1 x</incoming>``).
            attr = f"atribut '{attr}'" if attr else f"isi {tag}"
            if "expected" in values:
                values["expected"] = ", ".join(_NAMES.findall(values["expected"].replace(
                    ",", " ")))[:200]
            return f"{subject}: " + words.format(tag=tag, attr=attr, **values)
    return f"{subject}: tidak sesuai skema BPMN ({rest.strip()[:300]})"


def _element_at(root: etree._Element | None, tag: str, line: int | None
                ) -> etree._Element | None:
    if root is None or line is None:
        return None
    for element in root.iter(tag=etree.Element):
        if element.sourceline == line and etree.QName(element).localname == tag:
            return element
    return None
