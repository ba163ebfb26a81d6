"""Materialized-path arithmetic (orgs.models). No database."""

import pytest

from ronghe.orgs.models import ancestor_paths


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("", [], id="no_node_case"),
        pytest.param("00000.", ["00000."], id="root_case"),
        pytest.param("00000.0000a.", ["00000.", "00000.0000a."], id="child_case"),
        pytest.param(
            "00000.0000a.zzzzz.", ["00000.", "00000.0000a.", "00000.0000a.zzzzz."], id="grandchild_case"
        ),
    ],
)
def test_ancestor_paths_are_the_root_first_prefixes_ending_with_the_node(path, expected):
    assert ancestor_paths(path) == expected
