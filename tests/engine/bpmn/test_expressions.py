"""The safe expression subset: what gateway conditions, timers and script calls may say
(``engine.bpmn.expressions``; SpiffWorkflow would ``eval`` them)."""

import ast

import pytest

from engine.bpmn import expressions
from tests.engine.bpmn.test_validation import PWN


@pytest.mark.parametrize("expression, data, result", [
    ('keputusan == "setuju"', {"keputusan": "setuju"}, True),
    ('keputusan == "setuju"', {}, False),
    ('nilai >= 85 and not terlambat', {"nilai": 90, "terlambat": False}, True),
    ('status in ("a", "b") or x != 1', {"status": "c", "x": 1}, False),
    ('"PT30M"', {}, "PT30M"),
    ("not " * 15 + "x", {"x": True}, False),
])
def test_safe_expressions_evaluate(expression, data, result):
    assert expressions.evaluate(expression, data) == result


@pytest.mark.parametrize("expression, fragment", [
    ("__import__('os').system('id')", "pemanggilan fungsi"),
    ("open('/etc/passwd').read()", "pemanggilan fungsi"),
    ("().__class__.__base__.__subclasses__()", "pemanggilan fungsi"),
    ("x.__class__", "akses atribut"),
    ("x.y == 1", "akses atribut"),
    ("data['x']", "subskrip"),
    ("lambda: 1", "lambda"),
    ("[c for c in x]", "comprehension"),
    ("{c for c in x}", "comprehension"),
    ("{c: 1 for c in x}", "comprehension"),
    ("any(c for c in x)", "pemanggilan fungsi"),
    ("(c for c in x)", "comprehension"),
    ('f"{x}" == "1"', "f-string"),
    ("(y := 1)", "walrus"),
    ("(*x,)", "starred"),
    ("[*x] == []", "starred"),
    ("2 ** 100000", "pangkat (**)"),
    ("{**x}", "pembongkaran dict (**)"),
    ("x + 1 == 2", "operasi aritmetika"),
    ("-1 if x else 2", "ekspresi if-else"),
    ("_secret == 1", "nama '_secret'"),
    ("x == b'a'", "bytes"),
    ("x == 1j", "complex"),
    ("x == ...", "ellipsis"),
    ('keputusan = "ya"', 'tidak dapat dibaca di karakter 11; periksa tanda kutip, kurung dan '
                         'pembandingnya (sama dengan ditulis ==, mis. keputusan == "ya")'),
    ("x == 1; import os", "tidak dapat dibaca"),
    ("x\x00 == 1", "tidak dapat dibaca"),
    ("x == 1 or " * 100 + "x == 2", "terlalu panjang (1.006 karakter; batasnya 1.000)"),
    ("[" * 30 + "x" + "]" * 30, "bersarang terlalu dalam"),
    ("not " * 30 + "x", "bersarang terlalu dalam"),
    ("(" * 250 + "x" + ")" * 250, "tidak dapat dibaca"),
    # Python's own names of what is refused are not shown: the words to write instead are.
    ("status is None", "is (tulis == atau !=, mis. status == None)"),
    ("status is not None", "is not (tulis !=, mis. status != None)"),
    ("nilai == -1", "tanda minus (-)"),
])
def test_unsafe_expressions_are_refused(expression, fragment):
    with pytest.raises(expressions.UnsafeExpression) as refused:
        expressions.check(expression)
    assert fragment in str(refused.value)


def test_no_function_is_registered_so_every_script_is_refused():
    for script in ("kirim_surel('a')", "import os", PWN, ""):
        with pytest.raises(expressions.UnsafeExpression, match=r"terdaftar \(belum ada\)$"):
            expressions.check_call(script)


def test_a_script_may_only_call_a_registered_function_with_safe_arguments():
    expressions.check_call('kirim_surel("a", tujuan=pemohon)', {"kirim_surel"})
    for script in ("kirim_surel(__import__('os'))", "kirim_surel(**x)", "kirim_surel.x()",
                   "lain()", "kirim_surel(x)\nimport os"):
        with pytest.raises(expressions.UnsafeExpression):
            expressions.check_call(script, {"kirim_surel"})


def test_an_expression_is_parsed_once_however_often_it_is_evaluated(monkeypatch):
    parsed = []
    parse = ast.parse
    monkeypatch.setattr(ast, "parse", lambda *a, **k: parsed.append(a[0]) or parse(*a, **k))
    condition = "status_once == 'disetujui' and jumlah_once > 2"
    results = [expressions.evaluate(condition, {"status_once": "disetujui", "jumlah_once": n})
               for n in range(1, 6)]
    assert results == [False, False, True, True, True]
    assert parsed == [condition]
    with pytest.raises(expressions.UnsafeExpression):
        expressions.evaluate("__import__('os')", {})
    with pytest.raises(expressions.UnsafeExpression):
        expressions.evaluate("__import__('os')", {})
