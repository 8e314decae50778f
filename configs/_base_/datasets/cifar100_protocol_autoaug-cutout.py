# Table 3.2: the CIFAR-100 protocol of cifar100_protocol.py with AutoAugment
# and Cutout (DeVries & Taylor's 8x8 square for CIFAR-100) filled with
# CIFAR-100's mean, batch 512; as cifar10_protocol_autoaug-cutout.py.
_base_ = './cifar100_protocol.py'
train_pipeline = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='AutoAugment', policies='imagenet',
         hparams=dict(pad_val=[129, 124, 112])),
    dict(type='Cutout', shape=8, prob=1.0, pad_val=[129, 124, 112]),
    dict(type='PackInputs'),
]

cifar_train = dict(pipeline=train_pipeline)
train_dataloader = dict(batch_size=512, dataset=dict(
    dataset=dict(dataset=dict(dataset=cifar_train))))
meta_dataloader = dict(batch_size=512, dataset=dict(dataset=cifar_train))
