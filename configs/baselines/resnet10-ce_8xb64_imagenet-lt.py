# Cross-entropy baseline. ResNet-10, ImageNet-LT: thesis table 3.4.
# The baseline the advisor run starts from (section 3.5.3: "our method
# started from a baseline that had been pre-trained on the entire
# dataset"), trained with the same recipe.
_base_ = [
    '../_base_/recipes/resnet10_8xb64_imagenet-lt.py',
    '../_base_/methods/ce.py'
]
# No advisor: the recipe's meta set is not used.
meta_dataloader = None
