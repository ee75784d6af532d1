"""khabar: analysis of Arabic news text.

Arabic-aware normalization and tokenization (ICU word breaks, Light10 stemming, stopwords) in a
C++17 core, exposed with scikit-learn-shaped Python APIs.

>>> import khabar
>>> khabar.Tokenizer().tokenize("الرَّئِيسُ بوتين، سوريا؟")
['الرئيس', 'بوتين', 'سوريا']
"""

from khabar._core import __version__
from khabar.vectorizers import (
    CountVectorizer,
    DocumentFrequencies,
    HashingVectorizer,
    TfidfVectorizer,
)
from khabar.tokenizer import (
    NORMALIZER_FLAGS,
    Tokenizer,
    arabic_stopwords,
    light10_stem,
    normalize,
)

__all__ = [
    "NORMALIZER_FLAGS",
    "CountVectorizer",
    "DocumentFrequencies",
    "HashingVectorizer",
    "TfidfVectorizer",
    "Tokenizer",
    "__version__",
    "arabic_stopwords",
    "light10_stem",
    "normalize",
]
