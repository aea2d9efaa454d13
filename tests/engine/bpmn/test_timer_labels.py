"""Diagram timer labels say the step's Waktu in one casing (``engine.bpmn.timer_labels``)."""

from lxml import etree

from engine.bpmn.timer_labels import diagram_xml
from tests.conftest import BPMN_DIR

SOURCE = (BPMN_DIR / "perawatan_jaringan.bpmn").read_text(encoding="utf-8")
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def _labels(xml: str) -> list[str]:
    return [timer.get("name") for timer in etree.fromstring(xml.encode()).iterfind(
        ".//bpmn:boundaryEvent", NS)]


def test_labels_follow_the_waktu_in_one_casing():
    assert _labels(SOURCE) == ["10 Menit", "10 Menit", "15 Menit"]
    assert _labels(diagram_xml(SOURCE)) == ["10 menit", "10 menit", "15 menit"]


def test_a_stale_timer_name_shows_the_steps_waktu():
    edited = SOURCE.replace('name="waktu" value="10 Menit"', 'name="waktu" value="20 Menit"', 1)
    assert _labels(diagram_xml(edited)) == ["20 menit", "10 menit", "15 menit"]


def test_a_free_text_waktu_keeps_the_timers_own_name():
    edited = SOURCE.replace('name="waktu" value="10 Menit"', 'name="waktu" value="Relatif"', 1)
    assert _labels(diagram_xml(edited)) == ["10 menit", "10 menit", "15 menit"]


def test_only_timer_labels_change():
    shown = diagram_xml(SOURCE)
    assert shown.replace("10 menit", "10 Menit").replace("15 menit", "15 Menit").count(
        "Menit") == SOURCE.count("Menit")
    assert 'name="waktu" value="10 Menit"' in shown  # the step's property as written
