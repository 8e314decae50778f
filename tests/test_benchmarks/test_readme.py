import pytest

from benchmarks.readme import update_marked_section


def test_replaces_only_the_marked_section(tmp_path):
    path = tmp_path / 'README.md'
    path.write_text('a\n<!-- t:start -->\nold\n<!-- t:end -->\nb\n')
    update_marked_section(str(path), 't', 'new table\n')
    assert path.read_text() == 'a\n<!-- t:start -->\nnew table\n' \
        '<!-- t:end -->\nb\n'
    with pytest.raises(SystemExit, match='lacks the markers'):
        update_marked_section(str(path), 'other', 'x')
