"""Lesson 05, subwords: fastText's character n-gram vectors (Bojanowski et al. 2017).

word2vec gives every vocabulary word its own vector and nothing to a word it has never
seen. fastText represents a word by the bag of its character n-grams as well::

    "where"  ->  "<where>"  ->  <wh, <whe, <wher, <where, whe, wher, ..., ere>, re>   (n = 3..6)

Each n-gram is hashed (FNV-1a, 32 bits) into one of ``bucket`` rows of a second
matrix; a word's vector is the MEAN of its own row and its n-gram rows. Training is
skip-gram with negative sampling, exactly as in word2vec, except that the centre word's
input vector is that mean. A word that was never seen still has n-grams, so it still
gets a vector: "kingdoms" lands next to "kingdom", "unfriendliness" among other
"-ness" words.

    model = train_fasttext(docs, dim=100, epochs=5)       # device="cuda" on a GPU
    model.most_similar("unfriendliness")                  # an unseen word is fine
    model.wv["dictionarylike"]                            # (dim,) float32
    kv = model.to_keyed_vectors()                         # gensim KeyedVectors

The n-grams, the hash and the composition are exactly gensim's and Facebook's fastText
(``tests/test_fasttext.py`` checks the bucket ids against gensim's ``ft_ngram_hashes``
and our vectors against gensim's ``FastTextKeyedVectors`` given the same matrices).
Training reuses the vocabulary, subsampling, negative sampling and context-window
machinery of :mod:`embedlab.word2vec`.

The exercises on these functions (their cases, the realistic wrong answers that ``check``
recognises, and the hints) live in ``embedlab/exercises/lesson05.py``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from . import validate
from .device import cpu_threads
from .device import resolve as _resolve_device
from .progress import progress_bar
from .vectors import SubwordVectors, VectorsInterface
from .word2vec import (
    AliasTable,
    context_windows,
    diverged_advice,
    encode_corpus,
    keep_probability,
    negative_distribution,
    sgns_loss,
    sgns_targets,
    vocabulary_or_explain,
)

__all__ = [
    "FastTextModel",
    "char_ngrams",
    "fnv_hash",
    "ngram_hashes",
    "oov_vector",
    "sgns_subword_update",
    "subword_sgns_loss",
    "subword_table",
    "train_fasttext",
]

BOW, EOW = "<", ">"                 # boundary markers around every word
FNV_OFFSET_BASIS = 2166136261       # 32-bit FNV-1a constants (fastText's dictionary.cc)
FNV_PRIME = 16777619
MASK32 = 0xFFFFFFFF


# ---------------------------------------------------------------------------
# Exercise 05.char_ngrams
# ---------------------------------------------------------------------------


def char_ngrams(word: str, min_n: int = 3, max_n: int = 6) -> list[str]:
    """The character n-grams of ``"<" + word + ">"`` with min_n <= n <= max_n.

    Every substring of the marked word whose length (in characters) is between min_n
    and max_n, repeats included ("banana" has "ana" twice), in the order fastText
    lists them: by start position, then by length. The markers make prefixes and
    suffixes special: "<wh" only starts words, "re>" only ends them; and when the whole
    marked word is short enough ("<the>" has 5 characters) it is one of its n-grams.
    As in fastText, a single marker ("<" or ">") is never an n-gram (matters for min_n=1).
    """
    marked = BOW + word + EOW
    size = len(marked)
    return [marked[i:i + n]
            for i in range(size)
            for n in range(min_n, max_n + 1)
            if i + n <= size and not (n == 1 and (i == 0 or i + n == size))]


# ---------------------------------------------------------------------------
# Exercise 05.fnv_hash
# ---------------------------------------------------------------------------


def fnv_hash(data: bytes) -> int:
    """32-bit FNV-1a hash of ``data``, exactly as fastText (and gensim) compute it.

    Start from h = 2166136261; for each byte b: h = h XOR b, then h = h * 16777619,
    keeping only the low 32 bits. fastText reads the bytes as *signed* chars, so a
    byte >= 128 (any non-ASCII character in UTF-8) is XOR-ed as b - 256, i.e. with
    its sign bits extended to 32 bits: ``b | 0xFFFFFF00``. Returns an int in [0, 2**32).
    """
    h = FNV_OFFSET_BASIS
    for b in data:
        if b >= 128:            # signed char: -128..-1, sign-extended to 32 bits
            b |= 0xFFFFFF00
        h = ((h ^ b) * FNV_PRIME) & MASK32
    return h


def ngram_hashes(word: str, min_n: int = 3, max_n: int = 6, bucket: int = 2_000_000) -> list[int]:
    """Bucket ids of ``word``'s n-grams: ``fnv_hash(ngram.encode("utf-8")) % bucket``.

    The same list, in the same order, as gensim's ``ft_ngram_hashes(word, min_n, max_n, bucket)``.
    """
    return [fnv_hash(g.encode("utf-8")) % bucket for g in char_ngrams(word, min_n, max_n)]


def _fnv_hash_many(items: Sequence[bytes]) -> np.ndarray:
    """``fnv_hash`` of many byte strings at once: a loop over byte positions, not over strings.

    The strings are packed into a zero-padded (n, longest) int8 matrix; each step XORs
    one column into all n hashes (uint32 arithmetic wraps around, as the & 0xFFFFFFFF
    does in ``fnv_hash``). int8 -> int32 -> uint32 extends the sign as fastText does.
    """
    n = len(items)
    if n == 0:
        return np.zeros(0, dtype=np.uint32)
    lengths = np.fromiter((len(b) for b in items), dtype=np.int64, count=n)
    width = int(lengths.max()) if n else 0
    packed = np.zeros((n, max(width, 1)), dtype=np.int8)
    mask = np.arange(max(width, 1))[None, :] < lengths[:, None]
    packed[mask] = np.frombuffer(b"".join(items), dtype=np.int8)
    h = np.full(n, FNV_OFFSET_BASIS, dtype=np.uint32)
    prime = np.uint32(FNV_PRIME)
    with np.errstate(over="ignore"):
        for j in range(width):
            byte = packed[:, j].astype(np.int32).astype(np.uint32)
            h = np.where(mask[:, j], (h ^ byte) * prime, h)
    return h


def subword_table(words: Sequence[str], min_n: int = 3, max_n: int = 6,
                  bucket: int = 2_000_000, offset: int = 0,
                  include_word: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Every word's n-gram bucket ids, as a CSR table ``(ptr, ids)``.

    The ids of word i are ``ids[ptr[i]:ptr[i + 1]]`` (int64), each ``offset + bucket id``
    (offset = V when the n-gram rows come after V word rows in one matrix). With
    ``include_word``, word i's own row ``i`` comes first. Each distinct n-gram is hashed
    once, all of them together (``_fnv_hash_many``).
    """
    grams_per_word = [char_ngrams(w, min_n, max_n) for w in words]
    distinct = {g: k for k, g in enumerate(dict.fromkeys(g for gs in grams_per_word for g in gs))}
    buckets = (_fnv_hash_many([g.encode("utf-8") for g in distinct]) % np.uint32(bucket)).astype(np.int64)
    counts = np.fromiter((len(gs) + include_word for gs in grams_per_word), dtype=np.int64, count=len(words))
    ptr = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    ids = np.empty(int(ptr[-1]), dtype=np.int64)
    flat = [k for gs in grams_per_word for k in [distinct[g] for g in gs]]
    if include_word:
        ids[ptr[:-1]] = np.arange(len(words))
        gram_slots = np.ones(len(ids), dtype=bool)
        gram_slots[ptr[:-1]] = False
        ids[gram_slots] = offset + buckets[np.asarray(flat, dtype=np.int64)]
    else:
        ids[:] = offset + buckets[np.asarray(flat, dtype=np.int64)]
    return ptr, ids


# ---------------------------------------------------------------------------
# Exercise 05.oov_vector
# ---------------------------------------------------------------------------


def oov_vector(word: str, ngram_vectors: np.ndarray, min_n: int = 3, max_n: int = 6) -> np.ndarray:
    """The vector fastText gives a word it has never seen: the mean of its n-gram rows.

    ngram_vectors: (bucket, d) float array, row b the vector of every n-gram that hashes
    to bucket b. The word's n-grams are ``char_ngrams(word, min_n, max_n)``; n-gram g
    lives in row ``fnv_hash(g.encode("utf-8")) % bucket``. Returns a (d,) float64 array:
    the mean of those rows, an n-gram that occurs twice counting twice; a word without
    n-grams gets a zero vector (as in gensim).
    """
    ngram_vectors = np.asarray(ngram_vectors, dtype=np.float64)
    rows = ngram_hashes(word, min_n, max_n, ngram_vectors.shape[0])
    if not rows:
        return np.zeros(ngram_vectors.shape[1])
    return ngram_vectors[rows].mean(axis=0)


# ---------------------------------------------------------------------------
# The training loss (exercise 05.subword_grad differentiates it)
# ---------------------------------------------------------------------------


def subword_sgns_loss(bags: Sequence[Sequence[int]], input_matrix, pos, neg) -> torch.Tensor:
    """word2vec's skip-gram negative-sampling loss, with each centre vector a mean of rows.

    bags: B lists of row indices into ``input_matrix``, one per training pair: the centre
    word's own row and its n-gram rows (a repeated n-gram, or two n-grams hashed to the
    same bucket, puts a row in the list twice); each bag has at least one row.
    input_matrix: (R, d) float, the word rows and the bucket rows. pos: (B, d) output
    vectors of the true context words; neg: (B, k, d) of k noise words per pair.

    The centre vector of pair b is the mean of ``input_matrix[bags[b]]``, repeats
    counted; the loss is :func:`embedlab.word2vec.sgns_loss` of those centres, the mean
    over the B pairs of ``-log σ(v·p) - Σ_j log σ(-v·n_j)``. Returns a 0-d torch tensor
    (float64 for float64 inputs). This is what ``train_fasttext`` minimises.
    """
    matrix = torch.as_tensor(input_matrix)
    centres = torch.stack([matrix[list(bag)].mean(dim=0) for bag in bags])
    return sgns_loss(centres, pos, neg)


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------
@dataclass
class FastTextModel(VectorsInterface):
    """Trained fastText vectors: word rows, n-gram bucket rows, and how they compose.

    input_matrix: (V + bucket, dim) float32; rows 0..V-1 are the words' own vectors
    (gensim's ``vectors_vocab``), rows V.. the n-gram buckets (``vectors_ngrams``).
    output_vectors: (V, dim) the context vectors. ``vectors`` (V, dim) are the composed
    word vectors, the mean of a word's own row and its n-gram rows, as gensim's
    ``wv.vectors``. ``wv`` (a :class:`~embedlab.vectors.SubwordVectors`) has a vector for
    any string, seen or not: ``model.wv["dictionarylike"]``, as gensim's ``wv[...]``.
    """

    input_matrix: np.ndarray
    output_vectors: np.ndarray
    index_to_key: list[str]
    counts: np.ndarray
    min_n: int = 3
    max_n: int = 6
    params: dict[str, Any] = field(default_factory=dict)
    train_seconds: float = 0.0
    raw_words: int = 0
    effective_words: int = 0
    key_to_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self):
        self.key_to_index = {w: i for i, w in enumerate(self.index_to_key)}
        self._vectors = None
        self._wv = None
        self._bag = None

    def __repr__(self) -> str:
        return (f"FastTextModel(V={len(self.index_to_key)}, bucket={self.bucket:,}, dim={self.dim}, "
                f"n={self.min_n}..{self.max_n}, trained {self.train_seconds:.1f} s, "
                f"{self.words_per_second:,.0f} effective words/s)")

    @property
    def bucket(self) -> int:
        return self.input_matrix.shape[0] - len(self.index_to_key)

    @property
    def dim(self) -> int:
        return self.input_matrix.shape[1]

    @property
    def ngram_vectors(self) -> np.ndarray:
        """(bucket, dim) the n-gram rows (a view of ``input_matrix``)."""
        return self.input_matrix[len(self.index_to_key):]

    @property
    def words_per_second(self) -> float:
        return self.effective_words / self.train_seconds if self.train_seconds else 0.0

    def embedding_bag(self) -> torch.nn.EmbeddingBag:
        """A ``torch.nn.EmbeddingBag(mode="mean")`` holding ``input_matrix`` (shared memory)."""
        if self._bag is None:
            self._bag = torch.nn.EmbeddingBag.from_pretrained(
                torch.from_numpy(self.input_matrix), freeze=True, mode="mean")
        return self._bag

    def subword_ids(self, words: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """(ids, offsets) for ``embedding_bag``: each word's own row if known, then its n-gram rows."""
        V = len(self.index_to_key)
        ptr, ids = subword_table(words, self.min_n, self.max_n, self.bucket, offset=V)
        own = np.array([self.key_to_index.get(w, -1) for w in words], dtype=np.int64)
        lengths = np.diff(ptr) + (own >= 0)
        out = np.empty(int(lengths.sum()), dtype=np.int64)
        starts = np.zeros(len(words), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        known = own >= 0
        out[starts[known]] = own[known]
        gram_slots = np.ones(len(out), dtype=bool)
        gram_slots[starts[known]] = False
        out[gram_slots] = ids
        return torch.from_numpy(out), torch.from_numpy(starts)

    def get_vectors(self, words: Sequence[str]) -> np.ndarray:
        """(len(words), dim) float32 vectors of any words, seen or unseen, in one EmbeddingBag call.

        A vocabulary word: the mean of its own row and its n-gram rows. An unseen word: the
        mean of its n-gram rows. A word with no n-gram at all and unseen: zeros.
        """
        words = list(words)
        ids, offsets = self.subword_ids(words)
        with torch.no_grad():
            return self.embedding_bag()(ids, offsets).numpy()

    @property
    def vectors(self) -> np.ndarray:
        """(V, dim) float32 composed vectors of the vocabulary words (gensim's ``wv.vectors``)."""
        if self._vectors is None:
            self._vectors = self.get_vectors(self.index_to_key)
        return self._vectors

    @property
    def wv(self) -> SubwordVectors:
        """The word vectors, composed from n-grams for words never seen in training too."""
        if self._wv is None:
            self._wv = SubwordVectors(self.vectors, self.index_to_key, self.counts, compose=self.get_vectors,
                                      known=lambda word: bool(char_ngrams(word, self.min_n, self.max_n)))
        return self._wv

    @classmethod
    def from_gensim(cls, model) -> "FastTextModel":
        """Wrap a trained gensim ``FastText`` (its matrices, its vocabulary) as a FastTextModel."""
        wv = model.wv
        matrix = np.concatenate([wv.vectors_vocab, wv.vectors_ngrams]).astype(np.float32)
        counts = np.array([wv.get_vecattr(w, "count") for w in wv.index_to_key], dtype=np.int64)
        out = getattr(model, "syn1neg", None)
        return cls(input_matrix=matrix, output_vectors=out if out is not None else np.zeros((0, wv.vector_size)),
                   index_to_key=list(wv.index_to_key), counts=counts, min_n=wv.min_n, max_n=wv.max_n,
                   params={"from": "gensim"})


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------


def _gather_csr(ptr: torch.Tensor, ids: torch.Tensor, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The entries of CSR rows ``rows``, flattened: ``(flat ids, offsets, lengths)``, no Python loop."""
    starts, lengths = ptr[rows], ptr[rows + 1] - ptr[rows]
    offsets = lengths.cumsum(0) - lengths                           # exclusive cumulative sum
    total = int(lengths.sum())
    shift = (starts - offsets).repeat_interleave(lengths, output_size=total)
    flat = ids[torch.arange(total, device=ids.device) + shift]
    return flat, offsets, lengths


def sgns_subword_update(E: torch.Tensor, C: torch.Tensor, sub_ptr: torch.Tensor, sub_ids: torch.Tensor,
                        centre_words: torch.Tensor, pair_centre: torch.Tensor, targets: torch.Tensor,
                        weights: torch.Tensor, lr: float) -> None:
    """One skip-gram negative-sampling step with subword input vectors, in place.

    E: (V + bucket, d) input rows (words, then n-gram buckets). C: (V, d) output rows.
    centre_words: (m,) word ids of the centre tokens of this batch; pair_centre: (P,)
    which of them each pair belongs to; targets: (P, 1+k) the true context word, then k
    negatives; weights: (P, 1+k), 0 for a negative that equals the true context.

    h = mean of each centre's subword rows (``F.embedding_bag(mode="mean")``). With
    g = lr * (label - σ(h·c)) (word2vec.c's g), every target row gets g * h, and EVERY
    subword row of the centre gets the full Σ g c, not divided by the number of
    subwords: that is what fastText (and gensim) do for skip-gram.
    """
    flat, offsets, lengths = _gather_csr(sub_ptr, sub_ids, centre_words)
    h = F.embedding_bag(flat, E, offsets, mode="mean")             # (m, d)
    hp = h.index_select(0, pair_centre)                             # (P, d)
    c = C.index_select(0, targets.reshape(-1)).view(*targets.shape, -1)   # (P, 1+k, d)
    scores = torch.bmm(c, hp[:, :, None]).squeeze(2)                # (P, 1+k)
    labels = torch.zeros_like(scores)
    labels[:, 0] = 1.0
    g = (labels - torch.sigmoid(scores)) * (lr * weights)
    grad_h = torch.zeros_like(h).index_add_(0, pair_centre, torch.bmm(g[:, None, :], c).squeeze(1))
    C.index_add_(0, targets.reshape(-1), (g[:, :, None] * hp[:, None, :]).reshape(-1, E.shape[1]))
    E.index_add_(0, flat, grad_h.repeat_interleave(lengths, dim=0, output_size=flat.numel()))


def train_fasttext(
    docs: Iterable[Sequence[str]],
    *,
    dim: int = 100,
    window: int = 5,
    negative: int = 5,
    min_count: int = 5,
    sample: float = 1e-3,
    epochs: int = 5,
    alpha: float = 0.025,
    min_alpha: float = 0.0001,
    ns_exponent: float = 0.75,
    min_n: int = 3,
    max_n: int = 6,
    bucket: int = 2_000_000,
    batch_size: int = 1024,
    chunk_tokens: int = 65536,
    device: str | torch.device | None = "cpu",
    seed: int = 0,
    progress: bool | None = None,
    threads: int | None = None,
) -> FastTextModel:
    """Train fastText skip-gram vectors with negative sampling (gensim's ``FastText(sg=1)``).

    The defaults are gensim's FastText defaults (bucket 2,000,000 rows: 800 MB at dim
    100; use 100,000-200,000 buckets for a small corpus). Everything else is word2vec
    skip-gram (:func:`embedlab.word2vec.train_word2vec`): the same vocabulary,
    subsampling, dynamic window, negative sampling and linearly decaying learning rate;
    only the centre word's input vector is now the mean of its own row and its n-gram
    rows (``sgns_subword_update``).

    batch_size: pairs per update, as in word2vec. The pairs of one centre token share
    one input vector per batch (computed once, its subword rows updated once with the
    sum of the pairs' gradients): fastText recomputes it after each pair, which is the
    same to first order in the learning rate. device: "cpu", "cuda", "mps" or None (the
    best available). seed: the same seed gives the same vectors on CPU.
    threads: torch CPU threads during training (restored afterwards), default
    ``embedlab.device.auto_threads()`` as in word2vec: 2 when two cores are free, else 1
    (on a busy machine extra threads' spin-waiting can make training many times slower).
    """
    docs = validate.token_documents(docs)
    validate.training_parameters(dim=dim, window=window, negative=negative, min_count=min_count,
                                 sample=sample, epochs=epochs, alpha=alpha, min_alpha=min_alpha,
                                 ns_exponent=ns_exponent, batch_size=batch_size, chunk_tokens=chunk_tokens)
    validate.whole_number(min_n, "min_n", why="the shortest character n-gram, e.g. 3")
    validate.whole_number(max_n, "max_n", minimum=min_n, why="the longest character n-gram, at least min_n")
    validate.whole_number(bucket, "bucket", why="rows for the hashed n-grams, e.g. 2000000")
    dev = _resolve_device(device)
    with cpu_threads(threads, dev, auto=True):
        return _train(docs, dim, window, negative, min_count, sample, epochs, alpha, min_alpha, ns_exponent,
                      min_n, max_n, bucket, batch_size, chunk_tokens, dev, seed, progress)


def _train(docs, dim, window, negative, min_count, sample, epochs, alpha, min_alpha, ns_exponent,
           min_n, max_n, bucket, batch_size, chunk_tokens, device, seed, progress) -> FastTextModel:
    dev = device  # resolved by train_fasttext
    index_to_key, counts = vocabulary_or_explain(docs, min_count)
    V = len(index_to_key)
    key_to_index = {w: i for i, w in enumerate(index_to_key)}
    ids_cpu, doc_ids_cpu = encode_corpus(docs, key_to_index)
    ids, doc_ids = ids_cpu.to(dev), doc_ids_cpu.to(dev)
    n_raw = ids.numel()
    ptr, sub = subword_table(index_to_key, min_n, max_n, bucket, offset=V, include_word=True)
    sub_ptr, sub_ids = torch.from_numpy(ptr).to(dev), torch.from_numpy(sub).to(dev)

    gen = torch.Generator(device=dev)
    gen.manual_seed(seed)
    # gensim's FastText initialisation: word and n-gram rows uniform in [-1/dim, 1/dim],
    # output rows zero.
    E = (torch.rand(V + bucket, dim, generator=gen, device=dev) * 2 - 1) / dim
    C = torch.zeros(V, dim, device=dev)
    prob_dtype = torch.float32 if dev.type == "mps" else torch.float64
    keep_prob = torch.as_tensor(keep_probability(counts, sample)).to(dev, prob_dtype)
    noise = AliasTable(negative_distribution(counts, ns_exponent), dev, prob_dtype)

    total_words = epochs * n_raw
    bar = progress_bar(total_words, progress, "fastText")
    effective = 0
    start = time.perf_counter()
    for epoch in range(epochs):
        keep = torch.rand(n_raw, generator=gen, device=dev, dtype=prob_dtype) < keep_prob[ids]
        e_ids, e_docs = ids[keep], doc_ids[keep]
        n = e_ids.numel()
        effective += n
        reduced = torch.randint(1, window + 1, (n,), generator=gen, device=dev)
        for lo in range(0, n, chunk_tokens):
            hi = min(n, lo + chunk_tokens)
            ctx, valid = context_windows(e_docs, reduced, window, torch.arange(lo, hi, device=dev))
            flat = valid.view(-1).nonzero().squeeze(1)             # pairs in stream order
            rows = flat // ctx.shape[1]
            # index_select rather than e_ids[ctx[rows, cols]]: the same gather, faster on a CPU.
            contexts = e_ids.index_select(0, ctx.view(-1).index_select(0, flat))
            centres = rows + lo                                     # stream position of each pair's centre
            targets, weights = sgns_targets(contexts, negative, noise, gen, E.dtype)
            raw_lo = epoch * n_raw + (lo * n_raw) // max(n, 1)
            raw_hi = epoch * n_raw + (hi * n_raw) // max(n, 1)
            n_pairs = contexts.numel()
            for p_lo in range(0, n_pairs, batch_size):
                p_hi = min(n_pairs, p_lo + batch_size)
                positions, pair_centre = torch.unique_consecutive(centres[p_lo:p_hi], return_inverse=True)
                frac = p_lo / max(n_pairs, 1)
                lr = alpha - (alpha - min_alpha) * (raw_lo + frac * (raw_hi - raw_lo)) / total_words
                sgns_subword_update(E, C, sub_ptr, sub_ids, e_ids[positions], pair_centre,
                                    targets[p_lo:p_hi], weights[p_lo:p_hi], lr)
            bar.update(raw_hi - raw_lo)
        if not bool(torch.isfinite(E).all()):
            break  # diverged; said below
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)
    seconds = time.perf_counter() - start
    bar.close()
    validate.finite_or_diverged(E, "fastText", diverged_advice(alpha, 0.025))
    params = dict(dim=dim, window=window, negative=negative, min_count=min_count, sample=sample,
                  epochs=epochs, alpha=alpha, min_alpha=min_alpha, ns_exponent=ns_exponent, min_n=min_n,
                  max_n=max_n, bucket=bucket, batch_size=batch_size, device=str(dev), seed=seed)
    return FastTextModel(input_matrix=E.cpu().numpy(), output_vectors=C.cpu().numpy(),
                         index_to_key=index_to_key, counts=counts, min_n=min_n, max_n=max_n,
                         params=params, train_seconds=seconds, raw_words=total_words,
                         effective_words=effective)
