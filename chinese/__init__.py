"""Chinese text: typography, segmentation, pinyin. No models, and nothing of ours imported."""
