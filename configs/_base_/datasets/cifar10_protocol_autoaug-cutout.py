# Table 3.2: the CIFAR-10 protocol of cifar10_protocol.py with AutoAugment
# and Cutout in the training pipeline (training and meta set) and batch 512.
_base_ = './cifar10_protocol.py'
train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    # MMPretrain ships the ImageNet AutoAugment policy only; the thesis
    # (table 3.2) does not name the policy it used.
    dict(type='AutoAugment', policies='imagenet',
         hparams=dict(pad_val=[125, 123, 114])),
    # Cutout (DeVries & Taylor): one 16x16 square, filled with the mean.
    dict(type='Cutout', shape=16, prob=1.0, pad_val=[125, 123, 114]),
    dict(type='PackInputs'),
]

cifar_train = dict(pipeline=train_pipeline)
train_dataloader = dict(batch_size=512, dataset=dict(
    dataset=dict(dataset=dict(dataset=cifar_train))))
meta_dataloader = dict(batch_size=512, dataset=dict(dataset=cifar_train))
