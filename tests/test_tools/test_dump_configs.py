"""tools/misc/dump_configs.py: the config-equality check of a refactoring."""
import importlib.util
import json
import os.path as osp

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
spec = importlib.util.spec_from_file_location(
    'dump_configs', osp.join(ROOT, 'tools', 'misc', 'dump_configs.py'))
dump_configs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dump_configs)


def write(root, path, text):
    path = root / path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_dump_resolves_inheritance_and_records_lone_fragments(tmp_path):
    write(tmp_path, 'configs/_base_/model.py',
          "model = dict(type='M', depth=32, sizes=(1, 2))\n")
    write(tmp_path, 'configs/_base_/part.py',
          'thing = {{_base_.missing}}\n')  # needs a user's bases
    write(tmp_path, 'configs/a/a.py',
          "_base_ = '../_base_/model.py'\nmodel = dict(depth=20)\n")
    dump = dump_configs.resolve_all(str(tmp_path))
    assert sorted(dump) == ['configs/_base_/model.py',
                            'configs/_base_/part.py', 'configs/a/a.py']
    # the child's key merged into the base's dict; tuples as lists
    assert dump['configs/a/a.py'] == {
        'model': {'type': 'M', 'depth': 20, 'sizes': [1, 2]}}
    assert '__unresolved__' in dump['configs/_base_/part.py']
    text = dump_configs.canonical(dump)
    assert json.loads(text) == dump
    assert text.index('"depth"') < text.index('"sizes"')  # sorted keys


def test_compare_names_each_difference_and_ignores_the_intended():
    before = {'a.py': {'model': {'depth': 32}, 'hooks': [1]},
              'old.py': {'x': 1}, 'same.py': {'y': [1, 2]}}
    after = {'a.py': {'model': {'depth': 20}, 'hooks': [1, 2], 'new': 0},
             'new.py': {'x': 1}, 'same.py': {'y': [1, 2]}}
    lines, left = dump_configs.compare(before, after,
                                       rename={'old.py': 'new.py'})
    assert left == 3
    assert '  ~ model.depth' in lines and '  ~ hooks' in lines
    assert '  + new' in lines
    assert not any(line.startswith('same.py') for line in lines)
    lines, left = dump_configs.compare(before, after, ignore={'hooks'},
                                       rename={'old.py': 'new.py'})
    assert left == 2 and '  ~ hooks (ignored)' in lines
    # a config that vanished is a difference, not a silent skip
    _, left = dump_configs.compare(before, after)
    assert left == 3 + 2  # old.py only before, new.py only after
