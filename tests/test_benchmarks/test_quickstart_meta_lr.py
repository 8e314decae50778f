"""The quickstart's meta lr: chosen on validation, the test never used."""
from mmengine.config import Config

from benchmarks import quickstart_meta_lr as exp


def row(lr, seed, val, test):
    return dict(key=exp.run_key(lr, seed), lr=lr, seed=seed, val_top1=val,
                top1=test)


def test_choice_and_table_ignore_the_test_split():
    rows = [row(1e-3, 0, 90.0, 60.0), row(1e-3, 1, 88.0, 62.0),
            row(3e-3, 0, 85.0, 99.0), row(3e-3, 1, 86.0, 99.0)]
    assert exp.choose(rows) == 1e-3
    table = exp.table(rows)
    assert '| **0.001 (chosen)** | 89.00 ± 1.41 | 61.00 ± 1.41 | 2 |' in table
    assert '| 0.003 | 85.50 ± 0.71 | 99.00 ± 0.00 | 2 |' in table
    # ties go to the smaller lr
    assert exp.choose([row(1e-2, 0, 80.0, 1.0),
                       row(1e-4, 0, 80.0, 2.0)]) == 1e-4


def test_validation_config_holds_out_clean_training_images():
    cfg = Config.fromfile(f'{exp.ROOT}/{exp.CONFIG}')
    train = cfg.train_dataloader.dataset
    val = cfg.val_dataloader.dataset
    # the noise wraps the training side of the held-out split, which wraps
    # the training side of the meta split; the validation split is the
    # clean held-out side of the same split
    assert train.type == 'LabelNoiseDataset'
    assert (train.dataset.split, train.dataset.num_per_class) == ('train', 20)
    assert (val.split, val.num_per_class) == ('meta', 20)
    assert val.dataset == train.dataset.dataset
    assert val.dataset.split == 'train' and val.dataset.num_per_class == 10
    assert cfg.test_dataloader.dataset.split == 'test'
    assert cfg.train_cfg.val_interval == 1
