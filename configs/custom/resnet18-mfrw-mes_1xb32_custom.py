# Train on your own data (README, "Train on your own data"): MFRW-MES on an
# image folder with a noisy training list and a small clean meta list, on
# MMPretrain's ResNet-18. Copy this file next to your data and edit the
# lines marked EDIT, or inherit it (_base_ = 'mmadvisor::custom/
# resnet18-mfrw-mes_1xb32_custom.py') and override the keys you change.
#
# The data, MMPretrain's CustomDataset lists ("relative/path label" per
# line, label = class index; no empty lines):
#   DATA_ROOT/images/...   the images (any size: they are resized)
#   DATA_ROOT/train.txt    the training images, labels as you have them
#                          (noisy, long-tailed: what the advisor is for)
#   DATA_ROOT/meta.txt     the meta set: a few images per class (10 in the
#                          thesis) whose labels you checked by eye, none of
#                          them in train.txt; every class present
#   DATA_ROOT/val.txt      clean held-out images to choose the meta lr and
#                          the epochs on (never the test list)
#   DATA_ROOT/test.txt     clean test images, read once at the end
# tools/dataset_converters/split_meta_list.py takes meta candidates out of
# a list (seeded, per class) for you to check.
_base_ = [
    # MMPretrain's model: ResNet-18 + global pooling + linear head.
    'mmpretrain::_base_/models/resnet18.py',
    # MMPretrain's runtime (logging, checkpoints, visualizer).
    'mmpretrain::_base_/default_runtime.py',
    # The advisor: advisor_model and meta_optimizer, placed below.
    'mmadvisor::_base_/methods/mfrw-mes.py',
    # The plug-in's checks (custom_hooks) and the distributed wrapper.
    'mmadvisor::_base_/meta_runtime.py',
]
custom_imports = dict(imports=['mmadvisor'], allow_failed_imports=False)

data_root = 'data/my_dataset'  # EDIT
num_classes = 10  # EDIT
image_size = 224  # EDIT: the crop the network sees

# The classifier trains with the bilevel step; the head takes advice: the
# method fragment's classifier, head, advisor and loss, on your classes.
model = dict(
    type={{_base_.advisor_model.type}},
    # EDIT: start from ImageNet weights (recommended for small datasets):
    # backbone=dict(init_cfg=dict(type='Pretrained', prefix='backbone',
    #     checkpoint='https://download.openmmlab.com/mmclassification/v0/'
    #     'resnet/resnet18_8xb32_in1k_20210831-fbbb1da6.pth')),
    head=dict(
        type={{_base_.advisor_model.head.type}},
        advisor={{_base_.advisor_model.head.advisor}},
        loss={{_base_.advisor_model.head.loss}},
        num_classes=num_classes,
        topk=(1, )))
data_preprocessor = dict(
    num_classes=num_classes,
    mean=[123.675, 116.28, 103.53],  # ImageNet's RGB statistics
    std=[58.395, 57.12, 57.375],
    to_rgb=True)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=image_size),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=image_size * 8 // 7, edge='short'),
    dict(type='CenterCrop', crop_size=image_size),
    dict(type='PackInputs'),
]


def _images(ann_file, pipeline):  # noqa: E302 (a helper of this file)
    return dict(type='CustomDataset', data_root=data_root,
                ann_file=ann_file, data_prefix='images', pipeline=pipeline)


train_dataloader = dict(
    batch_size=32,
    num_workers=4,  # EDIT: 0 for a quick try in one process
    persistent_workers=True,
    dataset=_images('train.txt', train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True))
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    dataset=_images('val.txt', test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    dataset=_images('test.txt', test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
test_evaluator = val_evaluator

# The four phases of the advisor step, with the meta set's own endless
# loader (the training transforms, as the thesis' Clothing1M runs).
optim_wrapper = dict(
    type='MetaOptimWrapper',
    constructor='MetaOptimWrapperConstructor',
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4),
    # The advisor's Adam. The thesis' lr 1e-4 is tuned for its 20-40k meta
    # steps; in runs of a few thousand it barely moves the advice (the
    # AdviceCollapseHook says so). 1e-3 won on the validation split in most
    # of the Fashion-MNIST benchmark's settings (1.6-3.9k steps). EDIT:
    # choose between 1e-4 and 1e-3 on val.txt.
    meta_optimizer=dict(type={{_base_.meta_optimizer.type}}, lr=1e-3),
    meta_dataloader=dict(
        # One meta batch per advisor update: the whole meta set when it is
        # small (10 per class x 10 classes = 100 in the benchmark), else at
        # least one image per class. Larger batches cost FLOPs (3M/N F).
        batch_size=32,
        num_workers=2,
        persistent_workers=True,
        dataset=_images('meta.txt', train_pipeline),
        sampler=dict(type='MetaSampler', shuffle=True)))
# For about the cost of plain training, the fast preset (a virtual step of
# the fc only, the advisor every second iteration; README, "Speed") goes on
# top of this file in a config of its own:
#   _base_ = ['./resnet18-mfrw-mes_1xb32_custom.py',
#             'mmadvisor::_base_/methods/mfrw-mes-fast.py']
#   optim_wrapper = {{_base_.fast_meta_step}}

param_scheduler = dict(type='CosineAnnealingLR', by_epoch=True, T_max=30)
train_cfg = dict(by_epoch=True, max_epochs=30, val_interval=1)  # EDIT
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=32)

default_hooks = dict(
    # A line every 10 iterations (MMPretrain's 100 can be minutes on a
    # small dataset), a checkpoint every epoch, the best on val.txt kept.
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3,
                    save_best='auto'))
