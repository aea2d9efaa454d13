"""A safe evaluator for the expressions an uploaded BPMN may carry.

SpiffWorkflow evaluates gateway conditions and timer expressions with Python's ``eval``;
an uploaded BPMN could then run any command on the server. Alur evaluates them itself
and accepts only: literals (strings, numbers, booleans, None), names of task data,
comparisons (``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``in``, ``not in``), ``and``,
``or``, ``not``. No calls, attributes, subscripts, lambdas or comprehensions.
"""

import ast
import operator
from collections.abc import Mapping
from typing import Any

_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


class UnsafeExpression(ValueError):
    """The expression is not in the safe subset, or is not valid syntax."""


def check(expression: str) -> ast.expr:
    """Parse ``expression`` and return its tree if it is in the safe subset.

    Raises:
        UnsafeExpression: with an Indonesian message naming the construct refused.
    """
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise UnsafeExpression(f"ekspresi tidak dapat dibaca: {error.msg}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise UnsafeExpression(
                f"ekspresi memuat '{type(node).__name__}', yang tidak diizinkan "
                "(hanya perbandingan, and/or/not, nilai tetap dan nama data)")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise UnsafeExpression(f"nama '{node.id}' tidak diizinkan")
    return tree.body


def evaluate(expression: str, data: Mapping[str, Any]) -> Any:
    """Evaluate a safe-subset ``expression`` against task ``data``.

    A name missing from ``data`` evaluates to None, so a condition on a field the user
    has not filled is simply false.

    Raises:
        UnsafeExpression: the expression is outside the safe subset.
    """
    return _eval(check(expression), data)


def _eval(node: ast.expr, data: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return data.get(node.id)
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_eval(item, data) for item in node.elts)
    if isinstance(node, ast.UnaryOp):
        return not _eval(node.operand, data)
    if isinstance(node, ast.BoolOp):
        values = (_eval(value, data) for value in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)
    if isinstance(node, ast.Compare):
        left = _eval(node.left, data)
        for op, right_node in zip(node.ops, node.comparators):
            right = _eval(right_node, data)
            try:
                if not _COMPARE[type(op)](left, right):
                    return False
            except TypeError:
                return False
            left = right
        return True
    raise UnsafeExpression(f"'{type(node).__name__}' tidak diizinkan")


_ALLOWED = (
    ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Tuple, ast.List,
    ast.UnaryOp, ast.Not, ast.BoolOp, ast.And, ast.Or, ast.Compare,
    *_COMPARE,
)
