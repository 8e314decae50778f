"""Strip the advisor (and the training state) from a checkpoint.

The result is a plain MMPretrain ``ImageClassifier`` checkpoint: load it
with a stock config (``LinearClsHead``) through ``mmpretrain.apis`` or
MMPretrain's own ``tools/test.py``.

Example::

    python tools/model_converters/strip_advisor.py \
        work_dirs/run/epoch_30.pth work_dirs/run/classifier.pth
"""
import argparse

from mmadvisor.utils.strip import strip_advisor


def main():
    parser = argparse.ArgumentParser(
        description='Remove the advisor weights and training state from a '
        'checkpoint so that stock MMPretrain loads it.')
    parser.add_argument('src', help='checkpoint of an advisor run')
    parser.add_argument('dst', help='where to write the plain checkpoint '
                        '(not the input checkpoint)')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace dst if it exists')
    args = parser.parse_args()
    try:
        removed = strip_advisor(args.src, args.dst, overwrite=args.overwrite)
    except (FileNotFoundError, KeyError, ValueError) as err:
        message = err.args[0] if isinstance(err, KeyError) else err
        raise SystemExit(f'strip_advisor.py: {message}')
    print(f'removed {len(removed)} advisor tensors; wrote {args.dst}')


if __name__ == '__main__':
    main()
