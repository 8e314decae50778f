# Places-LT (thesis section 3.5.1): the loaders of imagenet_lt_meta10.py on
# Places_LT_{train,val,test}.txt: train on the long-tailed training list,
# meta set = 10 images per class drawn from the released validation split
# (20 per class), test on the balanced test split (100 images per class,
# 365 classes).
#   data/places_lt/Places_LT_{train,val,test}.txt and the images
_base_ = './imagenet_lt_meta10.py'
data_root = 'data/places_lt'
data_preprocessor = dict(num_classes=365)

train_dataloader = dict(dataset=dict(type='PlacesLT', data_root=data_root))
meta_dataloader = dict(
    dataset=dict(dataset=dict(type='PlacesLT', data_root=data_root)))
test_dataloader = dict(dataset=dict(type='PlacesLT', data_root=data_root))
val_dataloader = test_dataloader
