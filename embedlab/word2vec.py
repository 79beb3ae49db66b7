"""Lesson 03, word2vec: skip-gram and CBOW with negative sampling, in readable PyTorch.

This is the reference a learner opens to follow the algorithm of Mikolov et al. (2013)
as ``word2vec.c`` and gensim implement it, step by step, with every step a few tensor
operations on the whole corpus instead of a Python loop per word::

    docs = corpus.load_corpus()                           # list of lists of words
    model = train_word2vec(docs, dim=100, epochs=5)       # device="cuda" on a GPU
    model.most_similar("king", topn=5)
    evaluate.evaluate_all(model)                          # analogies, WordSim-353, SimLex-999
    kv = model.to_keyed_vectors()                         # gensim KeyedVectors

The pipeline, in the order of the functions below:

1. ``build_vocab``, ``encode_corpus``: count words, keep those seen ``min_count`` times,
   most frequent first; the corpus becomes a tensor of word ids and one of document ids.
2. ``keep_probability`` (exercise ``03.keep_probability``): frequent words such as "the"
   are randomly dropped from each epoch's token stream ("subsampling").
3. ``negative_distribution`` (exercise ``03.negative_distribution``): noise words are
   drawn from the unigram distribution raised to the power 0.75 (``sample_negatives``).
4. ``context_windows`` / ``skipgram_pairs``: every (centre, context) pair within a
   randomly shrunk window, never across a document boundary.
5. ``sgns_loss``, ``sgns_grad`` and ``sgns_output_grads`` (exercises ``03.sgns_loss``,
   ``03.sgns_grad`` and the derivation ``03.sgns_output_grads``): the skip-gram
   negative-sampling objective and its gradients with respect to the three vectors.
6. ``sgd_on_pairs``: plain SGD on batches of pairs with those gradients, the loop that
   notebook 03 shows.
7. ``train_word2vec``: all of it, epoch after epoch, with a linearly decaying learning
   rate. Its updates are ``sgd_on_pairs``'s, written out by hand for speed
   (``_SkipGramStep``; a test pins the two to the same vectors), plus CBOW
   (``_CbowStep``), a cap on very frequent words' updates (``row_update_scale``) and,
   for speed, noise words shared by 8 neighbouring pairs (``share_negatives``; 1 for none).

The exercises on these functions (their cases, the realistic wrong answers that ``check``
recognises, and the hints) live in ``embedlab/exercises/lesson03.py``.
"""
from __future__ import annotations

import gzip
import io
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from . import validate
from .device import cpu_threads as _cpu_threads
from .device import resolve as _resolve_device
from .progress import progress_bar
from .tensors import as_tensor as _tensor
from .tensors import float_tensors as _as_float_tensors
from .vectors import KeyedVectors, VectorsInterface

__all__ = [
    "AliasTable",
    "Word2VecModel",
    "build_vocab",
    "context_windows",
    "encode_corpus",
    "keep_probability",
    "negative_distribution",
    "read_corpus",
    "row_update_scale",
    "sample_negatives",
    "sgd_on_pairs",
    "sgns_grad",
    "sgns_loss",
    "sgns_targets",
    "sgns_output_grads",
    "skipgram_pairs",
    "train_word2vec",
]

# gensim cuts documents longer than this many words into pieces (MAX_WORDS_IN_BATCH).
MAX_DOCUMENT_LENGTH = 10000


# ---------------------------------------------------------------------------
# Reading a corpus
# ---------------------------------------------------------------------------
def read_corpus(path: str | Path, tokenize: Callable[[str], list[str]] | None = None,
                limit: int | None = None) -> list[list[str]]:
    """Read a text corpus: one document per line, words separated by whitespace.

    A line may start with ``source<TAB>`` (where the document came from); that prefix
    is dropped. Files ending in ``.gz`` are decompressed on the fly. ``tokenize``
    (e.g. ``gensim.utils.simple_preprocess``) replaces the whitespace split, for raw
    text such as gensim's Lee corpus. ``limit`` keeps only the first documents.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    docs = []
    with opener(path, "rb") as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8", errors="replace"):
            if limit is not None and len(docs) >= limit:
                break
            _, _, text = line.rpartition("\t")
            words = tokenize(text) if tokenize else text.split()
            if words:
                docs.append(words)
    return docs


# ---------------------------------------------------------------------------
# 1. Vocabulary
# ---------------------------------------------------------------------------
def build_vocab(docs: Iterable[Sequence[str]], min_count: int = 5) -> tuple[list[str], np.ndarray]:
    """Words seen at least ``min_count`` times, most frequent first, and their counts.

    Returns ``(index_to_key, counts)``: a list of V words and an int64 array of their
    counts. Ties in frequency are broken alphabetically, so the same corpus always gives
    the same word ids (gensim keeps ties in first-seen order instead).
    """
    counter = Counter(word for doc in docs for word in doc)
    kept = sorted(((w, c) for w, c in counter.items() if c >= min_count), key=lambda wc: (-wc[1], wc[0]))
    return [w for w, _ in kept], np.array([c for _, c in kept], dtype=np.int64)


def vocabulary_or_explain(docs: list, min_count: int) -> tuple[list[str], np.ndarray]:
    """``build_vocab``, with a sentence for the learner when no word is frequent enough."""
    index_to_key, counts = build_vocab(docs, min_count)
    if not index_to_key:
        most = max(Counter(word for doc in docs for word in doc).values(), default=0)
        raise validate.InputError(f"no word occurs min_count={min_count} times (the most frequent occurs "
                                  f"{most} times): give a larger corpus or a smaller min_count.")
    return index_to_key, counts


def encode_corpus(docs: Iterable[Sequence[str]], key_to_index: dict[str, int],
                  max_document_length: int = MAX_DOCUMENT_LENGTH) -> tuple[torch.Tensor, torch.Tensor]:
    """The corpus as two int64 tensors of equal length: word ids and document ids.

    Words outside the vocabulary are dropped first (as in word2vec.c and gensim, so
    the window reaches over them). Documents longer than ``max_document_length`` words
    are cut into pieces, as gensim does. This is the only pass over the corpus in
    Python; training itself works on these two tensors.
    """
    ids: list[int] = []
    doc_ids: list[int] = []
    doc = 0
    for words in docs:
        encoded = [key_to_index[w] for w in words if w in key_to_index]
        for start in range(0, len(encoded), max_document_length):
            piece = encoded[start:start + max_document_length]
            ids.extend(piece)
            doc_ids.extend([doc] * len(piece))
            doc += 1
    return torch.tensor(ids, dtype=torch.int64), torch.tensor(doc_ids, dtype=torch.int64)


# ---------------------------------------------------------------------------
# 2. Subsampling of frequent words (exercise 03.keep_probability)
# ---------------------------------------------------------------------------


def keep_probability(counts, sample: float = 1e-3):
    """Probability of keeping each occurrence of each word, as word2vec.c and gensim compute it.

    counts: (V,) word counts. With ``threshold = sample * counts.sum()``, a word seen
    ``f`` times is kept with probability ``(sqrt(f / threshold) + 1) * threshold / f``,
    capped at 1. Words much rarer than the threshold are always kept; "the" is mostly
    dropped. ``sample=0`` switches subsampling off (every word kept).
    Returns a float64 array (numpy in, numpy out; torch in, torch out).
    """
    counts_t = _tensor(counts).to(torch.float64)
    if sample <= 0:
        probs = torch.ones_like(counts_t)
    else:
        threshold = sample * counts_t.sum()
        probs = ((counts_t / threshold).sqrt() + 1) * threshold / counts_t
        probs = probs.clamp(max=1.0)
    return probs if isinstance(counts, torch.Tensor) else probs.numpy()


# ---------------------------------------------------------------------------
# 3. The noise distribution for negative sampling (exercise 03.negative_distribution)
# ---------------------------------------------------------------------------


def negative_distribution(counts, power: float = 0.75):
    """Probability of drawing each word as a negative: ``counts**power``, normalised to sum 1.

    The power 0.75 flattens the unigram distribution: rare words are drawn more often
    than their frequency, "the" less often. Returns a float64 array of V probabilities
    (numpy in, numpy out; torch in, torch out).
    """
    weights = _tensor(counts).to(torch.float64) ** power
    probs = weights / weights.sum()
    return probs if isinstance(counts, torch.Tensor) else probs.numpy()


def sample_negatives(cdf: torch.Tensor, shape: tuple[int, ...], generator: torch.Generator | None = None) -> torch.Tensor:
    """Draw word ids with the probabilities whose cumulative sum is ``cdf``.

    Inverse-transform sampling: a uniform number u in [0, 1) falls in the interval
    ``[cdf[i-1], cdf[i])`` with probability ``p[i]``, and ``torch.searchsorted`` finds
    that interval by binary search for millions of draws at once. (word2vec.c fills a
    table of 10^8 word ids instead; this needs only V floats and is exact.)
    """
    u = torch.rand(shape, generator=generator, device=cdf.device, dtype=cdf.dtype)
    # right=True: u == cdf[i] belongs to word i+1; clamp guards against rounding at the end.
    return torch.searchsorted(cdf, u, right=True).clamp_(max=cdf.numel() - 1)


class AliasTable:
    """Draws from a fixed distribution over V words in O(1) per draw (Walker's alias method).

    The trainers' fast path for negative sampling, beside the readable
    ``sample_negatives``: the same distribution (tests/test_word2vec.py compares the two),
    but a binary search per draw over 10^5 words misses the CPU cache at nearly every
    step, and on a CPU it was a quarter of word2vec's training time. Here each draw is
    one uniform word i and one uniform u: keep i if u < ``keep[i]``, else take
    ``alias[i]``. Vose's construction: each of the V columns of height 1/V holds part of
    one word's probability and tops it up with another's, so that every column is full.
    """

    def __init__(self, probs, device: str | torch.device = "cpu", dtype: torch.dtype = torch.float64):
        p = np.asarray(probs, dtype=np.float64)
        V = p.size
        scaled = p * V / p.sum()                  # column heights: 1 is a full column
        keep = np.ones(V)
        alias = np.arange(V)
        small = [i for i in range(V) if scaled[i] < 1.0]
        large = [i for i in range(V) if scaled[i] >= 1.0]
        # One step per word (V steps at set-up, none per draw): fill a short column from a tall one.
        while small and large:
            s, g = small.pop(), large.pop()
            keep[s], alias[s] = scaled[s], g
            scaled[g] -= 1.0 - scaled[s]
            (small if scaled[g] < 1.0 else large).append(g)
        # What is left is full up to rounding.
        self.keep = torch.as_tensor(keep, dtype=dtype).to(device)
        self.alias = torch.as_tensor(alias, dtype=torch.int64).to(device)
        self.V = V

    def sample(self, shape: tuple[int, ...], generator: torch.Generator | None = None) -> torch.Tensor:
        """int64 word ids of the given shape."""
        # One uniform number serves both draws: its integer part (times V) picks the column,
        # its fractional part is the second uniform (36 bits of it are left in a float64).
        x = torch.rand(shape, generator=generator, device=self.keep.device, dtype=self.keep.dtype) * self.V
        column = x.to(torch.int64).clamp_(max=self.V - 1)
        u = x.sub_(column)
        return torch.where(u < self.keep.index_select(0, column.view(-1)).view_as(column), column,
                           self.alias.index_select(0, column.view(-1)).view_as(column))


def negative_cdf(counts, power: float = 0.75, device: str | torch.device = "cpu") -> torch.Tensor:
    """Cumulative sum of ``negative_distribution(counts, power)`` (float64 on ``device``), for sampling."""
    probs = negative_distribution(_tensor(counts), power)
    cdf = probs.cumsum(0)
    cdf[-1] = 1.0
    return cdf.to(device)


# ---------------------------------------------------------------------------
# 4. Contexts within a dynamic window
# ---------------------------------------------------------------------------
def context_windows(doc_ids: torch.Tensor, reduced_windows: torch.Tensor, window: int,
                    positions: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Positions of the context words of each centre position, and which of them are real.

    doc_ids: (n,) document of each token of the (subsampled) stream. reduced_windows:
    (n,) the window actually used around each token, an integer in 1..window drawn
    uniformly (word2vec.c's ``b``: nearby words are used more often than far ones).
    positions: the centre positions to look at (default: all n).

    Returns ``(ctx, valid)``, both of shape (len(positions), 2 * window): column j holds
    the position ``centre + offset_j`` for offsets ``-window..-1, 1..window`` (the order
    of word2vec.c's loop), and ``valid`` says whether that position exists, lies in the
    same document and within the centre's reduced window. One tensor operation per
    step, whatever the corpus size: no loop over tokens.
    """
    device = doc_ids.device
    n = doc_ids.numel()
    if positions is None:
        positions = torch.arange(n, device=device)
    offsets = torch.cat([torch.arange(-window, 0, device=device), torch.arange(1, window + 1, device=device)])
    ctx = positions[:, None] + offsets[None, :]                      # (m, 2W)
    inside = (ctx >= 0) & (ctx < n)
    ctx = ctx.clamp(0, max(n - 1, 0))                                # safe to index; masked below
    # index_select rather than doc_ids[ctx]: the same gather, several times faster on a CPU.
    ctx_docs = doc_ids.index_select(0, ctx.view(-1)).view_as(ctx)
    valid = (inside
             & (offsets.abs()[None, :] <= reduced_windows.index_select(0, positions)[:, None])
             & (ctx_docs == doc_ids.index_select(0, positions)[:, None]))
    return ctx, valid


def skipgram_pairs(ids: torch.Tensor, doc_ids: torch.Tensor, reduced_windows: torch.Tensor,
                   window: int) -> tuple[torch.Tensor, torch.Tensor]:
    """All (centre word, context word) id pairs of a token stream, in stream order.

    For each position i (in order) and each offset o in -window..-1, 1..window (in
    order), the pair ``(ids[i], ids[i+o])`` is included when ``i+o`` is in the same
    document and ``|o| <= reduced_windows[i]``. Returns two (n_pairs,) int64 tensors.
    """
    ctx, valid = context_windows(doc_ids, reduced_windows, window)
    centres = ids[:, None].expand_as(ctx)
    # Boolean indexing reads the (n, 2W) matrices row by row: pairs come out in the
    # order word2vec.c visits them.
    return centres[valid], ids[ctx[valid]]


# ---------------------------------------------------------------------------
# 5. The skip-gram negative-sampling loss and its gradients
#    (exercises 03.sgns_loss, 03.sgns_grad and 03.sgns_output_grads)
# ---------------------------------------------------------------------------
def sgns_loss(centre, pos, neg):
    """Skip-gram negative-sampling loss, averaged over a batch of B pairs.

    centre: (B, d) input vectors of the centre words. pos: (B, d) output vectors of
    their true context words. neg: (B, k, d) output vectors of k noise words per pair.
    For one pair the loss is ``-log σ(c·p) - Σ_j log σ(-c·n_j)``: high score for the
    true context, low scores for the noise words. Returns the mean over the B pairs as
    a 0-d torch tensor (differentiable when the inputs require grad).
    ``F.logsigmoid`` computes log σ without overflow, even for scores like -1000.
    """
    c, p, n = _as_float_tensors(centre, pos, neg)
    pos_score = (c * p).sum(-1)                             # (B,)
    neg_score = torch.einsum("bd,bkd->bk", c, n)            # (B, k)
    loss = -(F.logsigmoid(pos_score) + F.logsigmoid(-neg_score).sum(-1))
    return loss.mean()


def sgns_grad(centre, pos, neg):
    """Gradient of ``sgns_loss(centre, pos, neg)`` with respect to ``centre``, shape (B, d).

    With s = c·p and t_j = c·n_j, d/dc of -log σ(s) is -(1 - σ(s)) p, and of
    -log σ(-t_j) is σ(t_j) n_j: the centre moves towards its true context by how wrong
    the model still is, and away from each noise word by how likely the model wrongly
    finds it. The loss is a mean over B pairs, so each row is also divided by B.
    Returns a torch tensor (float64 for float64 inputs).
    """
    c, p, n = _as_float_tensors(centre, pos, neg)
    pos_score = (c * p).sum(-1)                             # (B,)
    neg_score = torch.einsum("bd,bkd->bk", c, n)            # (B, k)
    grad = (-(1 - torch.sigmoid(pos_score))[:, None] * p
            + torch.einsum("bk,bkd->bd", torch.sigmoid(neg_score), n))
    return grad / c.shape[0]


def sgns_output_grads(centre, pos, neg):
    """Gradients of ``sgns_loss(centre, pos, neg)`` with respect to ``pos`` and ``neg``.

    Each output vector enters one score only, s = c·p or t_j = c·n_j, whose derivative
    with respect to it is the centre vector c: so the true context gets
    -(1 - σ(s)) c and each noise word σ(t_j) c, the same error factors as in
    ``sgns_grad``, times the centre instead of the outputs; divided by B (the loss is
    a mean). Returns ``(grad_pos, grad_neg)``, torch tensors of shapes (B, d) and
    (B, k, d). (Exercise 03.sgns_output_grads asks for this derivation and grades it
    against a numerical gradient of ``sgns_loss``, not against this function.)
    """
    c, p, n = _as_float_tensors(centre, pos, neg)
    pos_score = (c * p).sum(-1)                             # (B,)
    neg_score = torch.einsum("bd,bkd->bk", c, n)            # (B, k)
    grad_pos = -(1 - torch.sigmoid(pos_score))[:, None] * c
    grad_neg = torch.sigmoid(neg_score)[:, :, None] * c[:, None, :]
    return grad_pos / c.shape[0], grad_neg / c.shape[0]


# ---------------------------------------------------------------------------
# 6. Plain SGD on batches of pairs: the readable training loop
# ---------------------------------------------------------------------------
def sgd_on_pairs(W, C, centres, contexts, negatives, lrs, batch_size=1024):
    """Plain SGD on the skip-gram negative-sampling loss, one batch of pairs at a time.

    W, C: (V, d) float tensors, the input and the output vectors, updated in place.
    centres, contexts: (n,) int64 word ids of n (centre, context) pairs; negatives:
    (n, k) int64 noise words of each pair; lrs: one learning rate per batch. A noise
    word that is the pair's own context is skipped, as in word2vec.c: it counts as a
    zero vector and gets no update (its term of the loss is then the constant log 2).
    Returns the mean loss of each batch, before its step, as a list of floats.

    All the gradients of a batch are computed from the same snapshot of W and C, and
    added up: unlike word2vec.c, which updates after every pair, a word's updates within
    one batch do not see each other (see ``row_update_scale``). ``train_word2vec`` makes
    these same updates, written out by hand for speed (``_SkipGramStep``).
    """
    losses = []
    for step, lo in enumerate(range(0, len(centres), batch_size)):
        cen, ctx, neg = (x[lo:lo + batch_size] for x in (centres, contexts, negatives))
        real = (neg != ctx[:, None]).to(W.dtype)[:, :, None]   # (B, k, 1); 0: skip it
        w, c_pos, c_neg = W[cen], C[ctx], C[neg] * real         # (B, d), (B, d), (B, k, d)
        losses.append(float(sgns_loss(w, c_pos, c_neg)))
        # The gradients of the MEAN loss, times B: each pair's own gradient.
        B, lr = len(cen), lrs[step]
        grad_w = torch.as_tensor(sgns_grad(w, c_pos, c_neg), dtype=W.dtype) * B
        grad_pos, grad_neg = (torch.as_tensor(g, dtype=W.dtype) * B
                              for g in sgns_output_grads(w, c_pos, c_neg))
        # index_add_ sums the updates of a word that occurs several times in the batch.
        W.index_add_(0, cen, -lr * grad_w)
        C.index_add_(0, ctx, -lr * grad_pos)
        C.index_add_(0, neg.reshape(-1), -lr * (grad_neg * real).reshape(-1, W.shape[1]))
    return losses


# ---------------------------------------------------------------------------
# 7. Training on a corpus
# ---------------------------------------------------------------------------
@dataclass
class Word2VecModel(VectorsInterface):
    """Trained word vectors, and how they were trained.

    vectors: (V, dim) float32 numpy array, row i is the input vector of
    ``index_to_key[i]`` (the "word vectors"); ``wv`` holds them as a
    :class:`~embedlab.vectors.KeyedVectors` (``model.wv["king"]``,
    ``model.wv.most_similar("king")``; the model answers both itself too).
    output_vectors: the second matrix (the context/"syn1neg" vectors). counts: (V,)
    corpus counts.
    """

    vectors: np.ndarray
    output_vectors: np.ndarray
    index_to_key: list[str]
    counts: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)
    train_seconds: float = 0.0
    raw_words: int = 0          # words seen in training, all epochs, before subsampling
    effective_words: int = 0    # words left after subsampling, all epochs (gensim's "effective words")
    wv: KeyedVectors = field(init=False, repr=False)
    key_to_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self):
        self.wv = KeyedVectors(self.vectors, self.index_to_key, self.counts)
        self.key_to_index = self.wv.key_to_index

    def __repr__(self) -> str:
        return (f"Word2VecModel(V={len(self.index_to_key)}, dim={self.vectors.shape[1]}, "
                f"trained {self.train_seconds:.1f} s, {self.words_per_second:,.0f} effective words/s)")

    @property
    def words_per_second(self) -> float:
        return self.effective_words / self.train_seconds if self.train_seconds else 0.0


def train_word2vec(
    docs: Iterable[Sequence[str]],
    *,
    dim: int = 100,
    window: int = 5,
    negative: int = 5,
    min_count: int = 5,
    sample: float = 1e-3,
    epochs: int = 5,
    sg: bool = True,
    alpha: float = 0.025,
    min_alpha: float = 0.0001,
    ns_exponent: float = 0.75,
    batch_size: int | None = None,
    max_row_updates: int | None = 64,
    share_negatives: int = 8,
    chunk_tokens: int = 65536,
    device: str | torch.device | None = "cpu",
    seed: int = 0,
    progress: bool | None = None,
    threads: int | None = None,
) -> Word2VecModel:
    """Train word2vec (skip-gram when ``sg`` is true, else CBOW) with negative sampling.

    The defaults are gensim's (and word2vec.c's, except alpha=0.025 for CBOW too, as in
    gensim). docs: a list of documents, each a list of words. device: "cpu", "cuda",
    "mps" (the same code runs on each) or None for the best this machine has. seed: the
    same seed on CPU gives the same vectors (GPUs add updates in a varying order).

    batch_size: pairs (skip-gram) or centre words (CBOW) updated together. word2vec.c
    updates the vectors after every single pair, so each update sees the previous ones.
    Here the updates of a batch are all computed from the same snapshot of the vectors
    and then added up (``sgd_on_pairs`` shows it): that is what makes one batch a handful
    of tensor operations, on a CPU or a GPU. It is not what word2vec.c's lock-free
    threads do: each of them still updates pair by pair, so an update there misses at
    most the few that other threads make at the same moment, while a frequent word such
    as "the" gets hundreds of blind updates in one large batch. The default, None, is
    1024 on a CPU (small enough that a batch's (B, 1+k, d) temporaries stay in the CPU
    cache) and 2048 on a GPU, where a step costs about the same whatever its size, so
    larger batches are faster but need the cap below. (docs/benchmarks.md has the
    measurements.)
    max_row_updates: a word that a batch updates more than this many times gets the
    average of its updates times max_row_updates instead of their sum
    (``row_update_scale``): summed, hundreds of updates computed from one snapshot
    overshoot, where word2vec.c's one-at-a-time updates would shrink as the fit improves,
    and training with large batches collapses. All other words are updated exactly.
    None switches the cap off.
    share_negatives: skip-gram only. Each run of this many consecutive pairs (neighbouring
    centres, each with its context word at the same offset) draws its k noise words
    together, as Ji et al. (2016, "Parallelizing Word2Vec in Shared and Distributed
    Memory") share them; 1 gives every pair its own, as word2vec.c does. Shared, the
    noise words of a group are gathered and updated once instead of once per pair, and
    the group's scores are one small matrix product: faster on a CPU, at the same scores
    in our runs (docs/benchmarks.md has the measurements), hence the default 8. Batches
    are rounded up to a multiple of it.
    chunk_tokens: subsampled tokens whose pairs and negatives are built at once (about
    30 MB for the default 65536 tokens, window 5, 5 negatives).
    threads: CPU threads torch uses during training (restored afterwards); default
    ``embedlab.device.auto_threads()``: 2 when two cores are free, else 1. When the
    machine has fewer free cores than threads (a shared server, Binder, other programs
    running), each of the thousands of small operations per second waits for a thread
    that is not running, which can make training many times slower. The vectors are
    the same whatever the number of threads. Ignored on a GPU.
    """
    docs = validate.token_documents(docs)
    validate.training_parameters(dim=dim, window=window, negative=negative, min_count=min_count,
                                 sample=sample, epochs=epochs, alpha=alpha, min_alpha=min_alpha,
                                 ns_exponent=ns_exponent, chunk_tokens=chunk_tokens)
    if max_row_updates is not None:
        validate.whole_number(max_row_updates, "max_row_updates", why="or None for no cap")
    dev = _resolve_device(device)
    if batch_size is None:
        batch_size = 1024 if dev.type == "cpu" else 2048
    validate.training_parameters(batch_size=batch_size)
    validate.whole_number(share_negatives, "share_negatives",
                          why="consecutive pairs that share their noise words; 1 for none")
    if sg:
        batch_size = -(-batch_size // share_negatives) * share_negatives   # whole groups in every batch
    index_to_key, counts = vocabulary_or_explain(docs, min_count)
    key_to_index = {w: i for i, w in enumerate(index_to_key)}
    ids_cpu, doc_ids_cpu = encode_corpus(docs, key_to_index)
    ids, doc_ids = ids_cpu.to(dev), doc_ids_cpu.to(dev)
    n_raw = ids.numel()
    vocab_size = len(index_to_key)

    gen = torch.Generator(device=dev)
    gen.manual_seed(seed)
    # Two matrices, initialised as gensim 4 does: input vectors small and random (so that
    # words start different from each other), uniform in ±1/dim (word2vec.c's range,
    # ±0.5/dim, starts slower: on a small corpus the vectors end up worse), output
    # vectors zero.
    W = (torch.rand(vocab_size, dim, generator=gen, device=dev) * 2 - 1) / dim
    C = torch.zeros(vocab_size, dim, device=dev)
    # Probabilities in float64 for exactness, except on Apple GPUs, which have no float64.
    prob_dtype = torch.float32 if dev.type == "mps" else torch.float64
    keep_prob = torch.as_tensor(keep_probability(counts, sample)).to(dev, prob_dtype)
    noise = AliasTable(negative_distribution(counts, ns_exponent), dev, prob_dtype)

    total_words = epochs * n_raw
    step = (_SkipGramStep(W, C, negative, max_row_updates, share=share_negatives) if sg
            else _CbowStep(W, C, negative, max_row_updates))
    effective = torch.zeros((), dtype=torch.int64, device=dev)
    bar = progress_bar(total_words, progress, "word2vec")
    with _cpu_threads(threads, dev, auto=True):  # 2 on free cores, else 1: see `threads` above
        used_threads = torch.get_num_threads()
        start = time.perf_counter()
        for epoch in range(epochs):
            # Subsampling: one random number per token decides whether it takes part this epoch.
            keep = torch.rand(n_raw, generator=gen, device=dev, dtype=prob_dtype) < keep_prob[ids]
            e_ids, e_docs = ids[keep], doc_ids[keep]      # this epoch's token stream
            n = e_ids.numel()
            effective += n
            # word2vec.c's dynamic window: each centre uses a window of b words, b uniform in 1..window.
            reduced = torch.randint(1, window + 1, (n,), generator=gen, device=dev)
            for lo in range(0, n, chunk_tokens):
                hi = min(n, lo + chunk_tokens)
                ctx, valid = context_windows(e_docs, reduced, window, torch.arange(lo, hi, device=dev))
                # Progress in raw words, as gensim measures it: the learning rate falls
                # linearly from alpha to min_alpha over all epochs. lr_at(f) is the rate a
                # fraction f of the way through this chunk (the step asks once per batch).
                raw_lo = epoch * n_raw + (lo * n_raw) // max(n, 1)
                raw_hi = epoch * n_raw + (hi * n_raw) // max(n, 1)

                def lr_at(frac, raw_lo=raw_lo, raw_hi=raw_hi):
                    return alpha - (alpha - min_alpha) * (raw_lo + frac * (raw_hi - raw_lo)) / total_words

                step.chunk(e_ids[lo:hi], e_ids, ctx, valid, batch_size, gen, noise, lr_at)
                bar.update(raw_hi - raw_lo)
            if not bool(torch.isfinite(W).all()):
                break  # diverged: more epochs cannot bring NaN back; said below
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        seconds = time.perf_counter() - start
    bar.close()
    validate.finite_or_diverged(W, "word2vec", diverged_advice(alpha, 0.025))
    params = dict(dim=dim, window=window, negative=negative, min_count=min_count, sample=sample,
                  epochs=epochs, sg=bool(sg), alpha=alpha, min_alpha=min_alpha, ns_exponent=ns_exponent,
                  batch_size=batch_size, max_row_updates=max_row_updates,
                  share_negatives=share_negatives if sg else None, device=str(dev), seed=seed,
                  threads=used_threads if dev.type == "cpu" else None)
    return Word2VecModel(vectors=W.cpu().numpy().astype(np.float32), output_vectors=C.cpu().numpy(),
                         index_to_key=index_to_key, counts=counts, params=params, train_seconds=seconds,
                         raw_words=total_words, effective_words=int(effective))


def diverged_advice(alpha: float, default: float) -> str:
    """The sentence a trainer adds when its vectors became NaN: lower the learning rate."""
    return (f"The learning rate alpha={alpha:g} is too high for this corpus: try a smaller one, "
            f"e.g. alpha={min(default, alpha / 10):g}.")


def sgns_targets(positives: torch.Tensor, negative: int, noise: AliasTable, gen: torch.Generator | None,
                 dtype: torch.dtype = torch.float32, share: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """(n, 1+k) int64 target words, each positive first then k negatives, and (n, 1+k) weights 1/0.

    noise: the AliasTable of the noise distribution. The negatives of a whole chunk are
    drawn at once, straight into their columns. A negative that happens to be the true
    target gets weight 0, as word2vec.c skips it. share: rows 0..share-1, share..2*share-1,
    ... get the same k negatives (the last group may be shorter).
    """
    n = positives.numel()
    targets = torch.empty(n, 1 + negative, dtype=torch.int64, device=positives.device)
    targets[:, 0] = positives
    if share == 1:
        targets[:, 1:] = noise.sample((n, negative), gen)
    else:
        groups = noise.sample((-(-n // share), negative), gen)
        targets[:, 1:] = groups.repeat_interleave(share, dim=0)[:n]
    weights = torch.ones(n, 1 + negative, dtype=dtype, device=positives.device)
    weights[:, 1:] = targets[:, 1:] != positives[:, None]
    return targets, weights


def row_update_scale(index: torch.Tensor, num_rows: int, max_row_updates: int) -> torch.Tensor:
    """How much of each update to apply when a batch updates some rows many times.

    index: (n,) int64, the row of M that each of a batch's n updates goes to (rows
    repeat). Returns (n,) float32 factors: 1 for a row that appears at most
    ``max_row_updates`` times, max_row_updates / c for a row that appears c times, more
    than that, so that such a row moves by the AVERAGE of its updates times
    max_row_updates instead of their sum.

    Why: one pair at a time (word2vec.c), each update of "the" sees the previous ones,
    and they shrink as the fit improves; computed together from one snapshot, they
    cannot, and hundreds of them added up (a large batch) overshoot: training falls
    apart. Almost every word appears less often than the cap and is updated exactly as
    without it.
    """
    hits = torch.bincount(index, minlength=num_rows).index_select(0, index)     # (n,) times its row appears
    return (max_row_updates / hits.to(torch.float32)).clamp_(max=1.0)


class _SkipGramStep:
    """Skip-gram updates: each (centre, context) pair is one SGNS example.

    The same updates as ``sgd_on_pairs`` (tests/test_word2vec.py pins the two to the
    same vectors), written as word2vec.c writes them: with g = lr * (label - σ(score))
    for the true context (label 1) and the k negatives (label 0),
        input vector of the centre   += Σ_j g_j * C[target_j]      (= -lr * the pair's sgns_grad)
        output vector of target_j    += g_j * W[centre]            (= -lr * its sgns_output_grads)
    One (B, 1+k) matrix of scores serves both, where ``sgd_on_pairs`` calls three
    functions that each compute the scores again; there is no autograd graph and no
    optimizer (nn.Embedding(sparse=True) + optim.SGD would coalesce sparse gradients on
    every step). ``index_add_`` adds the updates of repeated words together (those of
    very frequent words capped: see ``row_update_scale``).

    share > 1 (train_word2vec's ``share_negatives``): each run of ``share`` consecutive
    pairs has the same k negatives, and ``update`` computes their updates group by group:
    the same sums as pair by pair (a test pins the two), with each noise word gathered
    and added to once per group, not once per pair.
    (word2vec.c trains the context word's input vector to predict the centre word;
    the pairs are symmetric, so predicting the context from the centre, as the
    papers describe it, learns the same thing.)
    """

    def __init__(self, W, C, negative, max_row_updates=None, learn_outputs=True, share=1):
        # W: the input vectors of the centres (doc2vec's PV-DBOW passes its document
        # vectors here); learn_outputs=False freezes C (doc2vec's inference).
        self.W, self.C, self.negative, self.cap = W, C, negative, max_row_updates
        self.learn_outputs, self.share = learn_outputs, share
        self.labels = torch.zeros(1, negative + 1, device=W.device)
        self.labels[0, 0] = 1.0

    def targets(self, positives, gen, noise):
        return sgns_targets(positives, self.negative, noise, gen, self.W.dtype, self.share)

    def chunk(self, centres_chunk, ids, ctx, valid, batch_size, gen, noise, lr_at):
        # Pairs offset by offset: first every centre with the word `window` before it, then
        # with the one `window - 1` before it, and so on. In stream order a centre's 2 *
        # window pairs would sit in one batch, and its input vector would get all their
        # updates computed from one snapshot: with window 10 and 15 negatives that cost a
        # third of WordSim-353 on the 1M-token slice (docs/benchmarks.md). This way a batch
        # holds each centre, and each context word, about once.
        m, width = ctx.shape
        by_offset = valid.t().reshape(-1).nonzero().squeeze(1)      # indices into (2W, m)
        rows, cols = by_offset % m, by_offset // m
        centres = centres_chunk.index_select(0, rows)
        contexts = ids.index_select(0, ctx.view(-1).index_select(0, rows * width + cols))
        targets, weights = self.targets(contexts, gen, noise)
        n_pairs = centres.numel()
        assert batch_size % self.share == 0, "a batch must hold whole groups of shared negatives"
        for lo in range(0, n_pairs, batch_size):
            hi = min(n_pairs, lo + batch_size)
            self.update(centres[lo:hi], targets[lo:hi], weights[lo:hi], lr_at(lo / max(n_pairs, 1)))

    def update(self, centre, targets, weights, lr):
        """centre: (B,) rows of W; targets, weights: (B, 1+k) from ``targets``; lr: a float.

        A batch starts at a group's first pair (``chunk``'s batches are whole groups).
        """
        G = self.share
        if G > 1 and centre.numel() % G == 0:
            return self.update_shared(centre, targets, weights, lr)
        # Pair by pair (share=1, or a last batch of fewer pairs: rows holding the same
        # negatives make the same sums this way too).
        W, C = self.W, self.C
        w = W.index_select(0, centre)                                # (B, d)
        c = C.index_select(0, targets.view(-1)).view(*targets.shape, -1)  # (B, 1+k, d)
        scores = (c * w[:, None, :]).sum(2)                          # (B, 1+k)
        g = (self.labels - torch.sigmoid(scores)) * (lr * weights)   # word2vec.c's g
        gW, gC = self.scaled(g, centre[:, None]), self.scaled(g, targets)
        # Σ_j g_j * C[target_j]: a (1, 1+k) x (1+k, d) product per pair, which bmm does in
        # half the time of multiply-and-sum on a CPU. (For the scores, (1+k, d) x (d, 1)
        # products, it is the other way round.)
        W.index_add_(0, centre, torch.bmm(gW[:, None, :], c).squeeze(1))
        if self.learn_outputs:
            C.index_add_(0, targets.view(-1), (gC[:, :, None] * w[:, None, :]).view(-1, W.shape[1]))

    def update_shared(self, centre, targets, weights, lr):
        """``update`` where each run of G = share pairs has the same k negatives."""
        W, C, G, k = self.W, self.C, self.share, self.negative
        B, d = centre.numel(), W.shape[1]
        positive, noise = targets[:, 0], targets[::G, 1:]           # (B,), (B/G, k): a group's negatives
        w = W.index_select(0, centre)                                # (B, d)
        c_pos = C.index_select(0, positive)                          # (B, d)
        c_neg = C.index_select(0, noise.reshape(-1)).view(B // G, k, d)
        w_groups = w.view(B // G, G, d)
        # A group's scores against its negatives: one (G, d) x (d, k) product.
        scores = torch.cat([(w * c_pos).sum(1, keepdim=True),
                            torch.bmm(w_groups, c_neg.transpose(1, 2)).view(B, k)], dim=1)   # (B, 1+k)
        g = (self.labels - torch.sigmoid(scores)) * (lr * weights)   # word2vec.c's g, as pair by pair
        gW, gC = self.scaled(g, centre[:, None]), self.scaled(g, targets)
        gW_neg = gW[:, 1:].reshape(B // G, G, k)
        W.index_add_(0, centre, gW[:, :1] * c_pos + torch.bmm(gW_neg, c_neg).view(B, d))
        if self.learn_outputs:
            C.index_add_(0, positive, gC[:, :1] * w)
            # Each negative row gets the sum of its G pairs' updates: a (k, G) x (G, d) product.
            gC_neg = gC[:, 1:].reshape(B // G, G, k).transpose(1, 2)
            C.index_add_(0, noise.reshape(-1), torch.bmm(gC_neg, w_groups).view(-1, d))

    def scaled(self, g, rows):
        """Updates ``g`` scaled by the cap of ``row_update_scale``; no cap: g itself.

        rows: the row each update goes to, shaped like g's leading dimensions: (B, 1) or
        (B, 1+k) for the factors g, (B, 1+k) (skip-gram scales these small factors rather
        than the (B, 1+k, d) updates, which keeps it cheap); (n,) for CBOW's (n, d)
        context-word updates.
        """
        if self.cap is None:
            return g
        scale = row_update_scale(rows.reshape(-1), self.W.shape[0], self.cap)
        return g * scale.view(*rows.shape, *[1] * (g.dim() - rows.dim())).to(g.dtype)


class _CbowStep(_SkipGramStep):
    """CBOW updates: the mean of the context vectors predicts the centre word.

    As in word2vec.c and gensim (cbow_mean=1): h = mean of the context words' input
    vectors; the output vectors of the centre (label 1) and k negatives get g_j * h;
    and EVERY context word's input vector gets the full Σ_j g_j * C[target_j]
    (not divided by the number of context words, although that would be the exact
    gradient of the mean: this is what both implementations do).

    doc2vec's PV-DM is this update with one more input in the mean, the document's
    vector (``D``, rows ``docs``), updated like a context word; learn_words=False
    freezes W and C (inference).
    """

    def __init__(self, W, C, negative, max_row_updates=None, D=None, learn_words=True):
        super().__init__(W, C, negative, max_row_updates, learn_outputs=learn_words)
        self.D, self.learn_words = D, learn_words

    def chunk(self, centres_chunk, ids, ctx, valid, batch_size, gen, noise, lr_at):
        has_context = valid.any(1).nonzero().squeeze(1)
        centres = centres_chunk.index_select(0, has_context)
        ctx, valid = ctx.index_select(0, has_context), valid.index_select(0, has_context)
        targets, weights = self.targets(centres, gen, noise)
        n = centres.numel()
        for lo in range(0, n, batch_size):
            hi = min(n, lo + batch_size)
            context = ids.index_select(0, ctx[lo:hi].reshape(-1)).view(hi - lo, -1)
            self.update_cbow(context, valid[lo:hi], targets[lo:hi], weights[lo:hi], lr_at(lo / max(n, 1)))

    def update_cbow(self, context, valid, targets, weights, lr, docs=None):
        """context, valid: (B, 2W) word ids and which are real; docs: (B,) rows of D, or None."""
        W, C = self.W, self.C
        flat = valid.reshape(-1).nonzero().squeeze(1)                # one entry per (centre, context word)
        rows = flat // valid.shape[1]
        words = context.reshape(-1).index_select(0, flat)
        count = valid.sum(1, keepdim=True).to(W.dtype)
        if docs is None:
            h = torch.zeros(len(valid), W.shape[1], device=W.device, dtype=W.dtype)
        else:
            h, count = self.D.index_select(0, docs), count + 1.0     # the document is one more input
        h = h.index_add_(0, rows, W.index_select(0, words)) / count  # (B, d) mean of the inputs
        c = C.index_select(0, targets.view(-1)).view(*targets.shape, -1)
        scores = (c * h[:, None, :]).sum(2)
        g = (self.labels - torch.sigmoid(scores)) * (lr * weights)
        neu1e = torch.bmm(g[:, None, :], c).squeeze(1)               # (B, d), Σ_j g_j * C[target_j]
        if self.learn_words:
            gC = self.scaled(g, targets)
            C.index_add_(0, targets.view(-1), (gC[:, :, None] * h[:, None, :]).view(-1, W.shape[1]))
            W.index_add_(0, words, self.scaled(neu1e.index_select(0, rows), words))   # one per context word
        if docs is not None:
            self.D.index_add_(0, docs, neu1e)
