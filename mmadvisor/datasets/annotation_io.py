# Copyright (c) mmadvisor contributors.
"""Readers for the plain-text annotation files of the real datasets.

ImageNet-LT, Places-LT and Clothing1M ship their splits as text files with
one ``relative/path label`` (or one ``relative/path``) per line. These
helpers parse them strictly: every error names the file, the 1-based line
number and the offending line, so a corrupt download is found at once
instead of silently training on the wrong labels.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

from mmengine.fileio import exists, get_text


def read_lines(path: str, expects: str) -> List[Tuple[int, str]]:
    """Read the non-empty lines of a text file.

    Args:
        path (str): The file to read.
        expects (str): What the file should contain, used in the error
            message when the file is missing.

    Returns:
        List[Tuple[int, str]]: ``(line_number, stripped_line)`` pairs, line
        numbers starting at 1; blank lines are skipped.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
    """
    if not exists(path):
        raise FileNotFoundError(
            f'Annotation file {path!r} not found; expected {expects}.')
    return [(i, line.strip())
            for i, line in enumerate(get_text(path).splitlines(), start=1)
            if line.strip()]


def parse_path_label_file(path: str,
                          num_classes: int,
                          expects: str = 'one "relative/path label" per line'
                          ) -> List[Tuple[str, int]]:
    """Parse a ``relative/path label`` annotation file.

    The label is the last whitespace-separated field, so a path may itself
    contain spaces. A leading ``/`` on the path is dropped, so the path is
    always relative to the image prefix.

    Args:
        path (str): The annotation file.
        num_classes (int): Labels must lie in ``[0, num_classes)``.
        expects (str): Description of the expected content, for errors.
            Defaults to ``'one "relative/path label" per line'``.

    Returns:
        List[Tuple[str, int]]: ``(relative_path, label)`` in file order.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If a line does not parse or a label is out of range.
    """
    samples = []
    for lineno, line in read_lines(path, expects):
        fields = line.rsplit(maxsplit=1)
        try:
            if len(fields) != 2:
                raise ValueError
            rel_path, label = fields[0].lstrip('/'), int(fields[1])
        except ValueError:
            raise ValueError(f'{path}, line {lineno}: cannot parse {line!r}; '
                             f'expected {expects}.') from None
        if not 0 <= label < num_classes:
            raise ValueError(
                f'{path}, line {lineno}: label {label} in {line!r} is '
                f'outside [0, {num_classes}).')
        samples.append((rel_path, label))
    return samples


def parse_key_list(
        path: str,
        labels: Dict[str, int],
        label_file: str = 'the label file') -> List[Tuple[str, int]]:
    """Read a list of image keys and look up the label of each one.

    Args:
        path (str): File with one relative image path (key) per line.
        labels (Dict[str, int]): Key to label, e.g. from
            :func:`parse_path_label_file`.
        label_file (str): Name of the file ``labels`` came from, for errors.
            Defaults to ``'the label file'``.

    Returns:
        List[Tuple[str, int]]: ``(key, label)`` in list order.

    Raises:
        FileNotFoundError: If ``path`` does not exist.
        ValueError: If a key has no label in ``labels``.
    """
    samples = []
    for lineno, key in read_lines(path, 'one relative image path per line'):
        key = key.lstrip('/')
        if key not in labels:
            raise ValueError(f'{path}, line {lineno}: key {key!r} has no '
                             f'label in {label_file}.')
        samples.append((key, labels[key]))
    return samples


def check_files_exist(paths: Sequence[str],
                      what: Optional[str] = None,
                      show: int = 5) -> None:
    """Raise if any of ``paths`` is missing, naming the first few.

    Args:
        paths (Sequence[str]): Files that must exist.
        what (str, optional): Where the paths came from, for the message.
        show (int): How many missing paths to name. Defaults to 5.

    Raises:
        FileNotFoundError: If any file is missing.
    """
    missing = [p for p in paths if not exists(p)]
    if missing:
        src = f' listed in {what}' if what else ''
        raise FileNotFoundError(
            f'{len(missing)} of {len(paths)} image files{src} are missing, '
            f'e.g. {missing[:show]}.')


#: The dataset types whose ``ann_file`` is MMPretrain's ``CustomDataset``
#: list: ``relative/path label`` per line (split at the last space).
CUSTOM_DATASETS = ('CustomDataset', 'mmpretrain.CustomDataset')


def custom_ann_files(node, data_root: Optional[str] = None):
    """The ``ann_file`` of every ``CustomDataset`` in a config subtree (a
    loader, a dataset, a wrapper of datasets), as its dataset resolves it
    (relative to ``data_root``), with whether it carries labels."""
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from custom_ann_files(item, data_root)
        return
    if not isinstance(node, dict):
        return
    kind = node.get('type')
    kind = getattr(kind, '__name__', kind)
    if kind in CUSTOM_DATASETS and node.get('ann_file'):
        root = node.get('data_root', data_root) or ''
        ann = node['ann_file']
        yield (ann if osp.isabs(ann) or not root else osp.join(root, ann),
               node.get('with_label', True))
    for value in node.values():
        if isinstance(value, (dict, list, tuple)):
            yield from custom_ann_files(value, data_root)


def check_custom_ann_file(path: str, with_label: bool = True) -> None:
    """Stop on a ``CustomDataset`` list that MMPretrain would fail to read
    with an error that names neither file nor line (``not enough values to
    unpack``) or read wrongly.

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: A line is empty (MMPretrain reads every line, blank ones
            too), or, with labels, is not ``relative/path label`` with an
            integer label after the last space.
    """
    if not exists(path):
        raise FileNotFoundError(
            f'ann_file {path!r} does not exist: give the list of the images '
            '(relative/path label per line), relative to data_root.')
    for lineno, line in enumerate(get_text(path).splitlines(), start=1):
        if not line.strip():
            raise ValueError(
                f'{path}, line {lineno} is empty: MMPretrain\'s '
                'CustomDataset reads every line as an image; delete the '
                'empty line(s) (e.g. sed -i "/^\\s*$/d" FILE).')
        if with_label:
            fields = line.strip().rsplit(' ', 1)
            if len(fields) != 2 or not fields[1].lstrip('-').isdigit():
                raise ValueError(
                    f'{path}, line {lineno}: {line.strip()!r} is not '
                    '"relative/path label" (an integer class index after '
                    'the last space).')


def check_custom_ann_files(cfg) -> None:
    """:func:`check_custom_ann_file` for every ``CustomDataset`` of a
    config's loaders (training, validation, test and the meta set)."""
    loaders = [cfg.get(k) for k in ('train_dataloader', 'val_dataloader',
                                    'test_dataloader')]
    loaders.append((cfg.get('optim_wrapper') or {}).get('meta_dataloader'))
    seen = set()
    for path, with_label in custom_ann_files([x for x in loaders if x]):
        if path not in seen:
            seen.add(path)
            check_custom_ann_file(path, with_label)
