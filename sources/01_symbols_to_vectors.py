# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · From symbols to vectors
#
# A computer sees the word *marriage* as eight letters, a symbol with no meaning.
# To compare, rank or search texts, we first turn them into **vectors**: lists of
# numbers where "alike" becomes "close". This notebook builds the oldest and still
# very useful recipe, the one behind classic search engines: **one-hot vectors,
# bags of words and TF-IDF**, compared with **cosine similarity**.
#
# **Goals.** By the end you can
#
# 1. turn words into one-hot vectors and documents into bag-of-words count vectors;
# 2. weight the counts with TF-IDF, exactly as scikit-learn does, and say why;
# 3. compare vectors with cosine similarity, derive which way to move a vector to make
#    it more similar to another, and rank documents for a query (a first search engine);
# 4. explain why these vectors are stored as *sparse* matrices, and what the
#    *curse of dimensionality* does to distances.
#
# **Prerequisites.** Notebook 00 (how `check`, `embedlab.hint` and gradients work),
# Python lists and dicts, and NumPy basics: arrays, `shape`, `axis=`, broadcasting. No
# machine learning needed.
#
# **Time.** About 60 to 90 minutes to read and do the six exercises. Running every
# cell takes about 7 seconds and 0.7 GB of memory on 2 CPU cores (measured in
# `docs/benchmarks.md`); no GPU, no internet.
#
# **Data.** *The Devil's Dictionary* by Ambrose Bierce (1911, public domain): about
# 1000 satirical definitions, shipped with the course.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import scipy.sparse
from IPython.display import display

import embedlab
from embedlab import check
from embedlab.data import load_devils_dictionary
from embedlab.tfidf import column_index, tokenize

notebook_started = time.perf_counter()
np.set_printoptions(precision=3, suppress=True, linewidth=110)

# %% [markdown]
# ## 1. A tiny example first
#
# Three "documents", short enough to check everything by hand:

# %%
tiny_texts = [
    "The cat sat on the mat.",
    "The dog sat on the log.",
    "The cat chased the dog!",
]

# %% [markdown]
# **Tokenising** splits a text into words. `embedlab.tfidf.tokenize` lowercases the
# text and keeps runs of letters (`[a-z]+`, with one inner apostrophe allowed, as in
# *don't*), so *The* and *the* become the same word and punctuation disappears.
# The **vocabulary** gives every distinct word a column number: `column_index` returns
# it as a dict `{word: column}`, with the words in alphabetical order, so the same
# documents always give the same columns (scikit-learn's `CountVectorizer` does the same).

# %%
tiny_docs = [tokenize(text) for text in tiny_texts]
tiny_vocab = column_index(tiny_docs)
print(tiny_docs)
print(tiny_vocab)

# %% tags=["expect"]
assert len(tiny_vocab) == 8, f"the text says eight distinct words, the notebook found {len(tiny_vocab)}"
assert tiny_vocab["cat"] == 0 and tiny_vocab["the"] == 7, \
    f"the text says cat is column 0 and the is column 7, the notebook has {tiny_vocab['cat']} and {tiny_vocab['the']}"

# %% [markdown]
# Eight distinct words, so in this tiny world every word will become a vector with
# 8 entries. (`help(tokenize)` shows the exact rule; you will use these two helpers
# as they are.)
#
# ## 2. One-hot vectors
#
# The simplest vector for a word: all zeros except a single 1 in the word's column.
# With the vocabulary above, *cat* (column 0) is `[1, 0, 0, 0, 0, 0, 0, 0]` and *the*
# (column 7) is `[0, 0, 0, 0, 0, 0, 0, 1]`.
#
# A word that is not in the vocabulary (*unicorn*) has no column: it gets an all-zero
# row. That is the honest answer "I have never seen this word"; putting its 1 in some
# column would claim it is another word.
#
# ### Exercise 01.one_hot
#
# Write `one_hot(tokens, vocab)`: one row per token, one column per vocabulary word.

# %%
def one_hot(tokens, vocab):
    """One-hot encode a list of words.

    tokens: list of n_tokens words (str). vocab: dict {word: column}, V entries.
    Returns an (n_tokens, V) float array: row i has a single 1.0 in column vocab[tokens[i]],
    or is all zeros when tokens[i] is not in vocab.
    """
    ### BEGIN SOLUTION
    out = np.zeros((len(tokens), len(vocab)))
    for row, token in enumerate(tokens):
        col = vocab.get(token)
        if col is not None:
            out[row, col] = 1.0
    return out
    ### END SOLUTION


# %%
check(one_hot)

# %% [markdown]
# Once your `one_hot` passes, the next cell uses it (until then it uses the reference,
# and says so). Look at the one-hot rows of the first sentence, plus an unknown word:

# %%
one_hot = embedlab.yours_or_reference(one_hot)

sentence = tiny_docs[0] + ["unicorn"]
print("columns:", list(tiny_vocab))
for word, row in zip(sentence, one_hot(sentence, tiny_vocab)):
    print(f"{word:>8}", row.astype(int))

# %% tags=["expect"]
_onehot = one_hot(sentence, tiny_vocab)
_the_rows = _onehot[[k for k, w in enumerate(sentence) if w == "the"]]
assert len(_the_rows) == 2 and (_the_rows[0] == _the_rows[1]).all(), \
    f"the text says the two 'the' rows are identical, the notebook printed {_the_rows}"
assert not _onehot[sentence.index("unicorn")].any(), \
    f"the text says unicorn gets an all-zero row, the notebook printed {_onehot[sentence.index('unicorn')]}"
_cat, _dog, _mat = one_hot(["cat", "dog", "mat"], tiny_vocab)
assert _cat @ _dog == 0 and _cat @ _mat == 0, \
    f"the text says cat.dog = cat.mat = 0, the notebook computed {_cat @ _dog} and {_cat @ _mat}"

# %% [markdown]
# Two things to notice:
#
# * The two *the* rows are identical: one-hot vectors describe words, not positions.
# * Every pair of **different** words is equally far apart: the dot product of the
#   *cat* and *dog* rows is 0, exactly as for *cat* and *mat*. One-hot vectors know
#   nothing about meaning. Learning vectors where *cat* is closer to *dog* than to *mat*
#   is what the rest of the course is about.
#
# They are also huge: one column per vocabulary word. Keep that in mind for section 7.
#
# ## 3. Bag of words
#
# To turn a whole **document** into one vector, add up the one-hot rows of its words:
# entry *j* is the number of times word *j* occurs. This is the **bag of words**: the
# words are thrown into a bag and their order is lost. *"the dog bit the man"* and
# *"the man bit the dog"* get the same vector.
#
# ### Exercise 01.bag_of_words
#
# Write `bag_of_words(docs_tokens, vocab)`: one row per document, one column per word,
# holding counts. Words that are not in the vocabulary are ignored.

# %%
def bag_of_words(docs_tokens, vocab):
    """Count the vocabulary words of each document.

    docs_tokens: list of n_docs documents, each a list of words. vocab: dict {word: column}, V entries.
    Returns an (n_docs, V) array of counts (integers): entry (d, j) is how many times word j
    occurs in document d. Words not in vocab are skipped; an empty document is a row of zeros.
    """
    ### BEGIN SOLUTION
    counts = np.zeros((len(docs_tokens), len(vocab)), dtype=int)
    for row, doc in enumerate(docs_tokens):
        for token in doc:
            col = vocab.get(token)
            if col is not None:
                counts[row, col] += 1
    return counts
    ### END SOLUTION


# %%
check(bag_of_words)

# %%
bag_of_words = embedlab.yours_or_reference(bag_of_words)

tiny_counts = bag_of_words(tiny_docs, tiny_vocab)
print(" " * 26, "  ".join(f"{w:>6}" for w in tiny_vocab))
for text, row in zip(tiny_texts, tiny_counts):
    print(f"{text:<26}", "  ".join(f"{c:>6}" for c in row))

# %% tags=["expect"]
_the_col = tiny_counts[:, tiny_vocab["the"]]
_others = np.delete(tiny_counts, tiny_vocab["the"], axis=1)
assert tiny_counts.shape[1] == 8, f"the text says an 8-dimensional space, the notebook has {tiny_counts.shape[1]} columns"
assert (_the_col == 2).all() and _others.max() < 2, \
    f"the text says 'the' has count 2 in every sentence, the largest count; the notebook has {_the_col}, others up to {_others.max()}"

# %% [markdown]
# Each sentence is now a point in an 8-dimensional space. *the* has count 2 in every
# sentence, the largest count of all, yet it says nothing about what a sentence is
# about. That is the problem TF-IDF fixes. First, real data.
#
# ## 4. Real data: *The Devil's Dictionary*
#
# `load_devils_dictionary()` returns a list of `(word, definition)` pairs. Each entry is
# one document; we index the headword together with its definition, so that searching
# for *lawyer* finds the entry **lawyer** itself.

# %%
entries = load_devils_dictionary()
headwords = [word for word, _ in entries]
texts = [f"{word} {definition}" for word, definition in entries]
print(len(entries), "entries")
for word, definition in entries[:3]:
    print(f"- {word}: {definition[:110]}{'...' if len(definition) > 110 else ''}")
print("- lawyer:", dict(entries)["lawyer"])
print("- liar:  ", dict(entries)["liar"])

# %%
docs = [tokenize(text) for text in texts]
vocab = column_index(docs)
counts = bag_of_words(docs, vocab)
words = np.array(sorted(vocab, key=vocab.get))   # words[j] is the word of column j

lengths = counts.sum(axis=1)
print("counts:", counts.shape, "(documents x vocabulary words)")
print(f"words per entry: median {np.median(lengths):.0f}, longest {lengths.max()}")
total = counts.sum(axis=0)
print("most frequent words:", ", ".join(words[np.argsort(-total, kind="stable")[:10]]))

# %% tags=["expect"]
assert len(entries) == 997, f"the text says 997 entries, the notebook loaded {len(entries)}"
assert len(vocab) == 11_099, f"the text says a vocabulary of 11,099 words, the notebook has {len(vocab):,}"
_most = list(words[np.argsort(-total, kind="stable")[:7]])
assert _most == ["the", "of", "a", "and", "to", "in", "n"], \
    f"the text says the most frequent words are the, of, a, and, to, in, n; the notebook printed {_most}"

# %% [markdown]
# You should see **997 entries** and a vocabulary of **11,099 words**. The most frequent
# words are *the, of, a, and, to, in, n* ("n." marks a noun in each definition): words
# that occur everywhere and tell entries apart poorly.
#
# ## 5. TF-IDF: weigh words by how informative they are
#
# **TF-IDF** (term frequency × inverse document frequency) keeps the counts (the *term
# frequency*) but multiplies each column by a weight that is small for words found in
# many documents and large for rare ones. With $n$ documents, and $\mathrm{df}_j$ the
# number of documents that contain word $j$:
#
# $$\mathrm{idf}_j = \ln\frac{1 + n}{1 + \mathrm{df}_j} + 1, \qquad
# \text{tfidf}_{d,j} = \text{count}_{d,j} \cdot \mathrm{idf}_j,$$
#
# and finally each row is divided by its length (L2 norm), so that a long document
# does not get a long vector just for being long.
#
# This is exactly scikit-learn's default (`TfidfTransformer()`, `smooth_idf=True`,
# `norm="l2"`). Why the ones?
#
# * The $1 +$ inside the fraction ("smoothing") acts as if one extra document contained
#   every word once: a word in no document gets a finite weight instead of a division by zero.
# * The $+ 1$ after the logarithm keeps words that occur in **every** document: their
#   $\ln$ part is 0, and without the $+1$ they would vanish entirely.
# * `np.log` is the natural logarithm. Other bases only scale the $\ln$ part, but
#   together with the $+1$ that changes the weights, so we stick to scikit-learn's choice.
#
# On the tiny example, with $n = 3$: *the* is in all 3 sentences, so
# $\mathrm{idf} = \ln(4/4) + 1 = 1$; *cat* is in 2, so $\ln(4/3) + 1 \approx 1.29$;
# *mat* is in 1, so $\ln(4/2) + 1 \approx 1.69$.
#
# ### Exercise 01.tfidf
#
# Write `tfidf(counts)`. Keep an empty document (an all-zero row) all zeros: dividing
# it by its norm, 0, would give NaN.

# %%
def tfidf(counts):
    """TF-IDF weights of a count matrix, as scikit-learn's TfidfTransformer() computes them.

    counts: (n_docs, V) array of word counts (ints or floats); it must not be changed.
    Returns an (n_docs, V) float array: each count weighted by its word's idf (the smoothed
    idf of the text above), then each row scaled to length 1 (L2 norm). An all-zero row
    (an empty document) stays all zeros, not NaN.
    """
    ### BEGIN SOLUTION
    counts = np.asarray(counts, dtype=float)
    n_docs = counts.shape[0]
    df = (counts > 0).sum(axis=0)
    idf = np.log((1 + n_docs) / (1 + df)) + 1
    weights = counts * idf
    norms = np.linalg.norm(weights, axis=1, keepdims=True)
    return np.divide(weights, norms, out=np.zeros_like(weights), where=norms > 0)
    ### END SOLUTION


# %%
check(tfidf)

# %%
tfidf = embedlab.yours_or_reference(tfidf)

print("tiny example, TF-IDF rows (each has length 1):")
print("columns:", list(tiny_vocab))
print(tfidf(tiny_counts))

# %% tags=["expect"]
_tiny_tfidf = tfidf(tiny_counts)
assert np.allclose(np.linalg.norm(_tiny_tfidf, axis=1), 1), \
    f"the text says every row has length 1, the notebook computed {np.linalg.norm(_tiny_tfidf, axis=1)}"
_tiny_df = (tiny_counts > 0).sum(axis=0)
_tiny_idf = np.log((1 + 3) / (1 + _tiny_df)) + 1
for _w, _n_in, _claimed in [("the", 3, 1.0), ("cat", 2, 1.29), ("mat", 1, 1.69)]:
    _j = tiny_vocab[_w]
    assert _tiny_df[_j] == _n_in and round(_tiny_idf[_j], 2) == _claimed, \
        f"the text says {_w} is in {_n_in} sentences with idf {_claimed}, the notebook has {_tiny_df[_j]} and {_tiny_idf[_j]:.3f}"
assert (_tiny_tfidf.argmax(axis=1) == tiny_vocab["the"]).all(), \
    f"the text says 'the' is the largest weight in each row, the notebook's largest columns are {_tiny_tfidf.argmax(axis=1)}"

# %% [markdown]
# Every row has length 1. *the* (last column) is in every sentence, so its idf is the
# smallest possible, 1, while *cat* and *mat* get about 1.29 and 1.69. It is still the
# largest weight in each row here, because it occurs twice and the rarer words once:
# TF-IDF weighs words down, it does not delete them. On the 997 dictionary entries below,
# where the rare words are far rarer, the effect is much stronger.
#
# ### Your TF-IDF next to scikit-learn's
#
# scikit-learn's `TfidfVectorizer` does tokenising, counting and weighting in one go.
# Given our tokenizer, it finds the same vocabulary (also sorted) and the same matrix,
# stored sparse (section 7 explains why):

# %%
from sklearn.feature_extraction.text import TfidfVectorizer

X = tfidf(counts)                                     # ours: (997, 11099) dense float64
vectorizer = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None)
X_sklearn = vectorizer.fit_transform(texts)           # scikit-learn's: a scipy sparse matrix

print("same vocabulary:", vectorizer.vocabulary_ == vocab)
print("largest difference:", np.abs(X - X_sklearn.toarray()).max())

i = headwords.index("marriage")
print(f"\n'marriage': {entries[i][1]}\n")
print(f"{'word':>12} {'count':>6} {'idf':>6} {'ours':>8} {'sklearn':>8}")
for j in np.argsort(-X[i], kind="stable")[:8]:
    print(f"{words[j]:>12} {counts[i, j]:>6} {vectorizer.idf_[j]:>6.2f} {X[i, j]:>8.4f} {X_sklearn[i, j]:>8.4f}")

# %% tags=["expect"]
_diff = np.abs(X - X_sklearn.toarray()).max()
assert vectorizer.vocabulary_ == vocab, "the text says scikit-learn finds the same vocabulary, the notebook's differs"
assert _diff < 1e-14, f"the text says ours and scikit-learn's agree to about 1e-16, the notebook computed {_diff:.2e}"
_mi = headwords.index("marriage")
_top8 = [words[j] for j in np.argsort(-X[_mi], kind="stable")[:8]]
assert _top8[:4] == ["two", "slaves", "mistress", "community"] and counts[_mi, vocab["two"]] == 2, \
    f"the text says two (count 2), slaves, mistress, community top 'marriage'; the notebook shows {_top8}"
assert counts[_mi, vocab["a"]] == 3 and "a" not in _top8, \
    f"the text says 'a' occurs 3 times and is not in the top 8; the notebook counts {counts[_mi, vocab['a']]}, top 8 {_top8}"

# %% [markdown]
# The two agree to about $10^{-16}$ (floating-point rounding). In the *marriage* entry
# the top words are *two* (it occurs twice), then rare, telling words: *slaves*,
# *mistress*, *community*, ... *a* occurs three times but does not make the top 8. The plot
# shows the same shift for the entry **love**: by raw counts its top word is *the*,
# followed by a tie of words that occur twice (*and, by, from, is, patient, ...*, shown
# in alphabetical order); by TF-IDF weight, *patient, under*, then a tie of rare words
# that occur once (*ailments, caries, insanity, ...*, again in alphabetical order).

# %%
def top_words_plot(headword, k=8):
    i = headwords.index(headword)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    for ax, values, title in [(axes[0], counts[i].astype(float), "raw counts"),
                              (axes[1], X[i], "TF-IDF weights")]:
        top = np.argsort(-values, kind="stable")[:k][::-1]
        ax.barh(words[top], values[top], color="#0969da" if title == "raw counts" else "#1a7f37")
        ax.set_title(f"'{headword}': top {k} words by {title}")
    fig.tight_layout()
    plt.show()


top_words_plot("love")

# %% tags=["expect"]
_li = headwords.index("love")
_raw = np.argsort(-counts[_li].astype(float), kind="stable")[:8]
_raw_words = [words[j] for j in _raw]
assert _raw_words[:6] == ["the", "and", "by", "from", "is", "patient"] and counts[_li, vocab["the"]] > 2 \
    and (counts[_li, _raw[1:]] == 2).all(), \
    f"the text says 'love' by raw counts: the, then words seen twice (and, by, from, is, patient, ...); the notebook shows {_raw_words}"
_tf_words = [words[j] for j in np.argsort(-X[_li], kind="stable")[:5]]
assert _tf_words == ["patient", "under", "ailments", "caries", "insanity"], \
    f"the text says 'love' by TF-IDF: patient, under, ailments, caries, insanity; the notebook shows {_tf_words}"

# %% [markdown]
# ## 6. Cosine similarity
#
# Two documents are alike when their vectors point in the same **direction**. The
# cosine of the angle between two vectors $a$ and $b$ is
#
# $$\cos(a, b) = \frac{a \cdot b}{\lVert a \rVert\, \lVert b \rVert},$$
#
# 1 for the same direction, 0 for vectors with nothing in common (no shared words, for
# counts), −1 for opposite directions. Dividing by the lengths is the point: the plain
# dot product $a \cdot b$ grows with the length of the documents, so long definitions
# would look similar to everything. A zero vector has no direction; like scikit-learn
# we define its similarity as 0.
#
# ### Exercise 01.cosine_similarity
#
# Write `cosine_similarity_matrix(A, B)`: the cosine of every row of `A` with every row of
# `B`, for all pairs at once. (Later cells compare 997 entries with 997 entries: a
# Python loop over the pairs would be slow.)

# %%
def cosine_similarity_matrix(A, B):
    """Cosine similarity of every row of A with every row of B.

    A: (n, d) array, B: (m, d) array (ints or floats); neither may be changed.
    Returns an (n, m) float array whose entry (i, j) is the cosine of the angle between
    the rows A[i] and B[j], in [-1, 1]; 0 when A[i] or B[j] is all zeros.
    """
    ### BEGIN SOLUTION
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    norm_a = np.linalg.norm(A, axis=1, keepdims=True)
    norm_b = np.linalg.norm(B, axis=1, keepdims=True)
    A = np.divide(A, norm_a, out=np.zeros_like(A), where=norm_a > 0)
    B = np.divide(B, norm_b, out=np.zeros_like(B), where=norm_b > 0)
    return A @ B.T
    ### END SOLUTION


# %%
check(cosine_similarity_matrix)

# %% [markdown]
# A heatmap of the cosine similarities between a few entries. TF-IDF rows already have
# length 1, so here cosine is just the dot product; the diagonal is 1.

# %%
cosine_similarity_matrix = embedlab.yours_or_reference(cosine_similarity_matrix)

chosen = ["lawyer", "liar", "prevaricator", "academe", "academy",
          "marriage", "love", "bride", "husband", "king", "queen"]
rows = [headwords.index(w) for w in chosen]
sim = cosine_similarity_matrix(X[rows], X[rows])

fig, ax = plt.subplots(figsize=(6.4, 5.4))
im = ax.imshow(sim, cmap="viridis", vmin=0, vmax=0.6)
ax.set_xticks(range(len(chosen)), chosen, rotation=45, ha="right")
ax.set_yticks(range(len(chosen)), chosen)
for a in range(len(chosen)):
    for b in range(len(chosen)):
        if a != b and sim[a, b] >= 0.1:
            ax.text(b, a, f"{sim[a, b]:.2f}", ha="center", va="center", fontsize=8, color="white")
fig.colorbar(im, ax=ax, label="cosine similarity (colours capped at 0.6)")
ax.set_title("TF-IDF cosine similarity between dictionary entries")
fig.tight_layout()
plt.show()
print(f"cosine(bride, marriage) = {sim[chosen.index('bride'), chosen.index('marriage')]:.3f}")

# %% tags=["expect"]
for (_a, _b), _claimed in {("lawyer", "liar"): 0.24, ("liar", "prevaricator"): 0.21,
                           ("academe", "academy"): 0.51, ("bride", "marriage"): 0.05}.items():
    _got = sim[chosen.index(_a), chosen.index(_b)]
    assert round(_got, 2) == _claimed, f"the text says cosine({_a}, {_b}) = {_claimed}, the notebook computed {_got:.3f}"
assert "lawyer" in tokenize(dict(entries)["liar"]), "the text says the definition of liar contains 'lawyer', it does not"
_offdiag = sim[np.triu_indices_from(sim, k=1)]
assert (_offdiag >= 0.1).sum() == 3, \
    f"the text says every pair but lawyer-liar, liar-prevaricator and academe-academy scores below 0.1: {np.sort(_offdiag)[-5:]}"

# %% [markdown]
# What to see: *lawyer* and *liar* score 0.24 (Bierce defines a liar as "a lawyer with a
# roving commission", so they share the rare word *lawyer*), *liar* and *prevaricator* 0.21, and
# *academe* and *academy* are the most similar pair of the whole dictionary (about 0.51,
# as section 7 shows: their definitions share words). Every other pair scores below 0.1: short definitions
# rarely share a rare word. *Bride* and *marriage* score only 0.05 although they are about the
# same thing: TF-IDF only sees **shared words**, not related meanings. Dense, learned
# embeddings (next notebooks) fix exactly this.

# %% [markdown]
# ### Exercise 01.cosine_grad: which way to move a vector
#
# Dense embeddings are *learned*: from notebook 03 on, training nudges vectors a little
# at a time so that the vectors of related things become more similar. Which way should
# a vector $a$ move to raise its cosine with $b$ the fastest? That direction is the
# gradient $\nabla_a \cos(a, b)$, a vector shaped like $a$ (notebook 00 introduced
# gradients, and how `check` grades a derived one numerically).
#
# Derive it on paper, then write it as a function; $b$ stays fixed. The text shows the
# answer only after the check cell.

# %%
def cosine_grad(a, b):
    """The gradient of cos(a, b) with respect to a: entry i is the derivative of the
    cosine of a and b with respect to a[i], with b fixed.

    a, b: non-zero 1-D NumPy arrays of the same length d (ints or floats).
    Returns a float array of shape (d,), like a. Must not change a or b.
    """
    ### BEGIN SOLUTION
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    norm_a, norm_b = np.linalg.norm(a), np.linalg.norm(b)
    cos = a @ b / (norm_a * norm_b)
    return b / (norm_a * norm_b) - cos * a / norm_a ** 2
    ### END SOLUTION


# %%
check(cosine_grad)

# %% [markdown]
# What did you find? Written with the unit vectors $\hat a = a / \lVert a \rVert$ and
# $\hat b = b / \lVert b \rVert$, the gradient is
#
# $$\nabla_a \cos(a, b) = \frac{\hat b - \cos(a, b)\, \hat a}{\lVert a \rVert}.$$
#
# Three things to read in it:
#
# * It is **perpendicular to $a$** ($a \cdot \nabla_a \cos(a, b) = 0$): stretching $a$ does
#   not change its direction, so it cannot change the cosine. Only turning $a$ can.
# * It is **0 when $a$ points the same way as $b$, or the opposite way**: there the cosine
#   is at its maximum, 1, or its minimum, −1.
# * It **shrinks as $a$ grows**: a long vector has to move farther to turn by the same angle.
#
# One small step along this gradient moves *bride* towards *marriage*. Only the columns
# of words that one of the two entries uses matter (in every other column both vectors,
# and so the gradient, are 0), so we work on those columns only:

# %%
cosine_grad = embedlab.yours_or_reference(cosine_grad)

bride, marriage = X[headwords.index("bride")], X[headwords.index("marriage")]
used = np.flatnonzero((bride != 0) | (marriage != 0))      # the columns either entry uses
step = cosine_grad(bride[used], marriage[used])
print(f"{len(used)} columns; bride . gradient = {bride[used] @ step:.1e} (perpendicular)")
print("the gradient raises:", ", ".join(words[used][np.argsort(-step, kind="stable")[:5]]), "...")
print("and lowers:         ", ", ".join(words[used][np.argsort(step, kind="stable")[:3]]), "...")
moved_cos = {}
for eta in [0.0, 0.1, 0.5]:
    moved = bride[used] + eta * step
    moved_cos[eta] = cosine_similarity_matrix(moved[None, :], marriage[used][None, :])[0, 0]
    print(f"bride + {eta} x gradient: cosine with marriage {moved_cos[eta]:.2f}")

# %% tags=["expect"]
assert len(used) == 26, f"the text says bride and marriage use 26 columns, the notebook found {len(used)}"
assert abs(bride[used] @ step) < 1e-6, f"the text says the gradient is perpendicular to bride, the dot product is {bride[used] @ step:.2e}"
_raised = list(words[used][np.argsort(-step, kind="stable")[:4]])
assert _raised == ["two", "slaves", "mistress", "community"], \
    f"the text says the step adds marriage's top words two, slaves, mistress, community; the notebook shows {_raised}"
assert words[used][np.argmin(step)] == "bride", \
    f"the text says the step takes most from the word bride, the notebook shows {words[used][np.argmin(step)]}"
for _eta, _claimed in [(0.0, 0.05), (0.1, 0.15), (0.5, 0.49)]:
    assert round(moved_cos[_eta], 2) == _claimed, \
        f"the text says a step of {_eta} gives a cosine of {_claimed}, the notebook computed {moved_cos[_eta]:.3f}"

# %% [markdown]
# A step of 0.1 along the gradient lifts the cosine of *bride* and *marriage* from 0.05 to
# 0.15, and a step of 0.5 to 0.49. The step adds *marriage*'s most telling words (*two,
# slaves, mistress, community*, the top TF-IDF words of its entry above) and takes a
# little from *bride*'s own, most from the word *bride*. Training an embedding takes
# millions of such steps, on a loss built from similarities (dot products); in notebook
# 03 you derive word2vec's.
#
# ## 7. Sparse versus dense
#
# Our `X` is a dense NumPy array: it stores every entry, zeros included. Almost all of
# them are zeros, since an entry uses a few dozen of the 11,099 words. A **sparse** matrix
# (here scipy's CSR format) stores only the non-zero values and their positions.

# %%
X_sparse = scipy.sparse.csr_matrix(X)
dense_mb = X.nbytes / 1e6
sparse_mb = (X_sparse.data.nbytes + X_sparse.indices.nbytes + X_sparse.indptr.nbytes) / 1e6
print(f"shape {X.shape}, non-zeros {X_sparse.nnz:,}, density {X_sparse.nnz / X.size:.2%}")
print(f"dense:  {dense_mb:6.1f} MB")
print(f"sparse: {sparse_mb:6.2f} MB  ({dense_mb / sparse_mb:.0f} times smaller)")
n_tokens = int(lengths.sum())
print(f"\nand one-hot rows for all {n_tokens:,} tokens would take "
      f"{n_tokens * len(vocab) * 8 / 1e9:.1f} GB dense")

# %% tags=["expect"]
_density = X_sparse.nnz / X.size
assert round(100 * _density, 1) == 0.4, f"the text says a density of about 0.4 %, the notebook computed {_density:.3%}"
assert round(dense_mb) == 89, f"the text says the dense matrix takes about 89 MB, the notebook computed {dense_mb:.1f} MB"
assert round(sparse_mb, 1) == 0.5, f"the text says the sparse matrix takes about 0.5 MB, the notebook computed {sparse_mb:.2f} MB"
assert round(dense_mb / sparse_mb, -1) == 170, \
    f"the text says some 170 times less, the notebook computed {dense_mb / sparse_mb:.0f} times"
assert n_tokens * len(vocab) * 8 / 1e9 > 5, \
    f"the text says one-hot rows for every word need more than 5 GB, the notebook computed {n_tokens * len(vocab) * 8 / 1e9:.1f} GB"

# %% [markdown]
# You should see a density of about **0.4 %**: the dense matrix takes about **89 MB**,
# the sparse one about **0.5 MB**, some 170 times less. One-hot rows for every word of the
# dictionary would need more than 5 GB dense, more memory than a Binder session has.
# That is why scikit-learn returns sparse matrices, and why we never build that one-hot
# matrix. Sparse matrices also save work: all 997 × 997 cosine similarities are one
# sparse matrix product (the rows already have length 1), and a sparse product only
# multiplies non-zeros that meet in the same column, that is, pairs of entries that
# share a word:

# %%
entries_per_word = np.diff(X_sparse.tocsc().indptr)    # non-zeros in each column
sparse_mults = int((entries_per_word.astype(np.int64) ** 2).sum())
dense_mults = X.shape[0] ** 2 * X.shape[1]
print(f"multiplications: {sparse_mults:,} sparse, {dense_mults:,} dense")
started = time.perf_counter()
all_pairs = (X_sparse @ X_sparse.T).toarray()          # (997, 997) cosine similarities
print(f"997 x 997 cosine matrix from the sparse matrix in {time.perf_counter() - started:.3f} s")
np.fill_diagonal(all_pairs, 0)
a, b = np.unravel_index(np.argmax(all_pairs), all_pairs.shape)
print(f"most similar pair of entries: {headwords[a]!r} and {headwords[b]!r} ({all_pairs[a, b]:.2f})")
pairs = all_pairs[np.triu_indices_from(all_pairs, k=1)]   # each pair once, no diagonal
print(f"median cosine of a pair: {np.median(pairs):.3f}; pairs below 0.1: {(pairs < 0.1).mean():.0%}")

# %% tags=["expect"]
assert all_pairs.shape == (997, 997), f"the text says 997 x 997 similarities, the notebook computed {all_pairs.shape}"
assert round(sparse_mults / 1e6, 1) == 5.5 and round(dense_mults / 1e9) == 11, \
    f"the text says 5.5 million multiplications instead of 11 billion, the notebook counted {sparse_mults:,} and {dense_mults:,}"
assert round(dense_mults / sparse_mults, -3) == 2000, \
    f"the text says 2,000 times fewer multiplications, the notebook computed {dense_mults / sparse_mults:.0f} times"
assert {headwords[a], headwords[b]} == {"academe", "academy"} and round(all_pairs[a, b], 2) == 0.51, \
    f"the text says academe and academy are the most similar pair (0.51), the notebook found {headwords[a]}, {headwords[b]} ({all_pairs[a, b]:.3f})"
assert round(np.median(pairs), 2) == 0.04, f"the text says the median pair has a cosine of about 0.04, the notebook computed {np.median(pairs):.3f}"
assert round((pairs < 0.1).mean(), 1) == 0.9, \
    f"the text says nine pairs in ten score below 0.1, the notebook computed {(pairs < 0.1).mean():.1%}"

# %% [markdown]
# That is 5.5 million multiplications instead of the dense product's 11 billion, 2,000
# times fewer.
#
# ## 8. The curse of dimensionality
#
# Our documents live in 11,099 dimensions. High-dimensional spaces behave strangely:
# as the number of dimensions grows, **all points become about equally far apart**, so
# "the nearest point" stops meaning much. Let's measure it with random points in a cube:
# 200 points, dimension 2 up to 10,000; for each point, the ratio of its distance to its
# nearest neighbour and to its farthest point. In 2-D the nearest neighbour is far closer
# than the farthest point (ratio near 0); the higher the dimension, the closer the ratio
# gets to 1.

# %%
from scipy.spatial.distance import pdist, squareform

rng = np.random.default_rng(0)
dims = [2, 10, 100, 1_000, 10_000]
ratios, spreads = [], []
fig, (ax_hist, ax_ratio) = plt.subplots(1, 2, figsize=(10, 3.6))
for d in dims:
    points = rng.random((200, d))              # uniform in the unit cube [0, 1]^d
    dist = pdist(points)                       # the 200 * 199 / 2 pairwise distances
    square = squareform(dist)
    np.fill_diagonal(square, np.nan)           # ignore each point's distance to itself
    ratios.append(np.mean(np.nanmin(square, axis=1) / np.nanmax(square, axis=1)))
    spreads.append(dist.std() / dist.mean())
    heights, edges = np.histogram(dist / dist.mean(), bins=np.linspace(0, 2.2, 111))
    ax_hist.stairs(heights / heights.max(), edges, lw=1.8, label=f"d = {d:,}")
ax_hist.set_xlabel("pairwise distance / mean distance")
ax_hist.set_ylabel("number of pairs (peak = 1)")
ax_hist.set_title("Distances concentrate as the dimension grows")
ax_hist.set_ylim(0, 1.45)
ax_hist.legend(ncol=3, fontsize=8, loc="upper center")
ax_ratio.semilogx(dims, ratios, "o-", color="#cf222e")
ax_ratio.set_ylim(0, 1)
ax_ratio.set_xlabel("dimension d")
ax_ratio.set_ylabel("nearest / farthest distance")
ax_ratio.set_title("Nearest is almost as far as farthest")
fig.tight_layout()
plt.show()
for d, r, s in zip(dims, ratios, spreads):
    print(f"d = {d:>6,}: nearest/farthest = {r:.2f}, spread of distances (std/mean) = {s:.3f}")

# %% tags=["expect"]
assert round(ratios[0], 2) == 0.04 and round(ratios[-1], 2) == 0.97, \
    f"the text says the ratio climbs from about 0.04 (2-D) to about 0.97 (10,000-D), the notebook computed {ratios[0]:.3f} and {ratios[-1]:.3f}"
assert all(r1 < r2 for r1, r2 in zip(ratios, ratios[1:])), f"the text says the ratio climbs with the dimension, the notebook computed {ratios}"
assert all(s1 > s2 for s1, s2 in zip(spreads, spreads[1:])), \
    f"the text says the histograms shrink into a narrow spike, the notebook's spreads are {spreads}"

# %% [markdown]
# You should see the ratio climb from about **0.04** in 2-D to about **0.97** at
# 10,000 dimensions, and the histograms shrink into a narrow spike around the mean
# distance (each histogram is scaled to the same peak height so that their widths compare).
#
# Why does TF-IDF search still work then? Because real documents are not random points:
# each uses a handful of words, and two entries are only similar when they share rare
# ones. Cosine on sparse vectors relies on that overlap. The flip side is what we saw
# above: the median pair of entries has a cosine of about 0.04 and nine pairs in ten
# score below 0.1, so the scores cannot tell near-misses from the unrelated. That is
# sparsity at work, not the concentration of distances above: two short entries simply
# share no word. Learned embeddings (from notebook 02 on) use a few hundred dense
# dimensions. The random points above warn that a few hundred dimensions are already
# enough for distances between *random* points to concentrate; learned vectors escape it
# because they are not random: they lie near a much smaller set of directions that the
# data uses, so near neighbours stay clearly nearer than the rest.
#
# ## 9. A first search engine
#
# To search, turn the query into a vector **with the dictionary's idf weights** (a query
# word's weight should reflect how rare it is in the dictionary, not in the query), rank
# the entries by cosine similarity, and return the best `k`.
#
# ### Exercise 01.search
#
# Write `search(query_vec, doc_matrix, k)`: the indices of the `k` rows of `doc_matrix`
# most similar to `query_vec`, best first. Equal scores keep the lower index first, so
# that results are reproducible, and asking for more results than there are documents
# returns them all, as slicing a list does. You may use your `cosine_similarity_matrix`.

# %%
def search(query_vec, doc_matrix, k):
    """Indices of the k documents most similar to the query (cosine), best first.

    query_vec: (V,) array. doc_matrix: (n_docs, V) array. k: number of results, k >= 0.
    Returns an integer array of min(k, n_docs) row indices of doc_matrix, sorted by
    decreasing cosine similarity with the query; equal scores keep the lower index first.
    An all-zero query scores 0 everywhere (so: 0, 1, 2, ...).
    """
    ### BEGIN SOLUTION
    scores = cosine_similarity_matrix(np.asarray(query_vec)[None, :], doc_matrix)[0]
    return np.argsort(-scores, kind="stable")[:k]
    ### END SOLUTION


# %%
check(search)

# %%
search = embedlab.yours_or_reference(search)

n_docs = counts.shape[0]
df = (counts > 0).sum(axis=0)
idf = np.log((1 + n_docs) / (1 + df)) + 1            # the dictionary's idf, shape (V,)


def query_vector(query):
    """The query as a (V,) TF-IDF vector, weighted with the dictionary's idf.

    Not normalised: the cosine in search divides by its length anyway.
    """
    return bag_of_words([tokenize(query)], vocab)[0] * idf


def show_results(query, k=5):
    """Print the k best entries for a query, with their cosine scores."""
    q = query_vector(query)
    unknown = [w for w in tokenize(query) if w not in vocab]
    if unknown:
        print("not in the vocabulary (ignored):", ", ".join(unknown))
    if not query.strip():
        print("Type a word or a few words to search the dictionary.")
        return
    if not q.any():
        print("No word of the query is in the dictionary's vocabulary: nothing to rank.")
        return
    scores = cosine_similarity_matrix(q[None, :], X)[0]
    for rank, i in enumerate(search(q, X, k), start=1):
        if scores[i] == 0:
            print(f"{rank}. (no further entry contains a word of the query)")
            break
        definition = entries[i][1]
        print(f"{rank}. {scores[i]:.3f}  {headwords[i]}: {definition[:90]}{'...' if len(definition) > 90 else ''}")


show_results("marriage")

# %% tags=["expect"]
def _search_names(query, k):
    """The headwords show_results prints for query, best first."""
    return [headwords[j] for j in search(query_vector(query), X, k)]


_marriage = _search_names("marriage", 5)
_marriage_scores = cosine_similarity_matrix(query_vector("marriage")[None, :], X)[0]
_with_marriage = sorted(headwords[d] for d in np.flatnonzero(counts[:, vocab["marriage"]]))
assert _marriage[:4] == ["marriage", "love", "refusal", "incubus"], \
    f"the text says marriage, love, refusal, incubus; the notebook shows {_marriage}"
assert _with_marriage == ["incubus", "love", "marriage", "refusal"] and (_marriage_scores > 0).sum() == 4, \
    f"the text says only these four entries contain 'marriage', the notebook finds {_with_marriage}"
assert not {"bride", "husband", "wedding"} & set(_with_marriage), \
    f"the text says bride, husband and wedding are not found, the notebook finds {_with_marriage}"
assert df[vocab["n"]] == 827 and n_docs == 997, \
    f"the text says n is in 827 of the 997 entries, the notebook counts {df[vocab['n']]} of {n_docs}"
assert round(idf[vocab["n"]] - 1, 2) == 0.19 and round(idf[vocab["n"]], 2) == 1.19, \
    f"the text says n's idf is 0.19 without the +1 and 1.19 with it, the notebook computed {idf[vocab['n']]:.3f}"
assert round(idf.max(), 1) == 7.2 and df.min() == 1, \
    f"the text says rare words weigh up to ln(998/2) + 1 = 7.2, the notebook's largest idf is {idf.max():.3f}"

# %% [markdown]
# Searching **marriage**, you should see the entry **marriage** first, then **love**
# ("a temporary insanity curable by marriage"), **refusal** and **incubus**, and then
# nothing: these are the only four entries that contain the word. **Bride**, **husband**
# and **wedding** are not found, because their definitions do not use it. Keyword search
# finds words, not meanings.
#
# Try a few more:

# %%
for query, k in [("lawyer", 3), ("money and wealth", 3), ("dog", 5)]:
    print(f"--- {query}")
    show_results(query, k=k)

# %% tags=["expect"]
assert _search_names("lawyer", 2) == ["lawyer", "liar"], \
    f"the text says lawyer finds lawyer, then liar; the notebook shows {_search_names('lawyer', 3)}"
assert _search_names("money and wealth", 3) == ["impunity", "eulogy", "architect"], \
    f"the text says impunity, eulogy, architect; the notebook shows {_search_names('money and wealth', 3)}"
assert tokenize(dict(entries)["impunity"]) == ["n", "wealth"], \
    f"the text says impunity's whole definition is 'Wealth.', it is {dict(entries)['impunity']!r}"
assert df[vocab["and"]] > n_docs / 2 and _search_names("money wealth", 3) == _search_names("money and wealth", 3), \
    f"the text says 'and' is in most entries ({df[vocab['and']]} of {n_docs}) and barely moves the ranking"
_dog = _search_names("dog", 5)
assert _dog[:3] == ["reverence", "medicine", "effect"] and _dog[4] == "dog", \
    f"the text says dog finds reverence, medicine, effect, and the entry dog 5th; the notebook shows {_dog}"
_ri = headwords.index("reverence")
assert lengths[_ri] == 17 and counts[_ri, vocab["dog"]] == 1, \
    f"the text says reverence has 17 words and mentions dog once, the notebook counts {lengths[_ri]} and {counts[_ri, vocab['dog']]}"
_dl = lengths[headwords.index("dog")]
assert _dl == 107 and np.median(lengths) == 34, \
    f"the text says the entry dog has 107 words and the median entry 34, the notebook counts {_dl} and {np.median(lengths)}"

# %% [markdown]
# You should see: *lawyer* finds **lawyer**, then **liar**. *money and wealth* finds
# **impunity** first, whose whole definition is "Wealth.", then **eulogy** and
# **architect**; *and* is in most entries, so its low idf barely moves the ranking.
# *dog* finds **reverence** ("the spiritual attitude of a man to a god and a dog to a
# man"), **medicine** and **effect** before the entry **dog** itself, which only comes
# 5th: its long entry (107 words with the headword; the median entry has 34) dilutes the word. Cosine compares directions, and a long
# entry about many things points a little in every direction.
#
# ### Search it yourself
#
# Type a query in the box and press <kbd>Enter</kbd>. (In a static view of this notebook,
# such as GitHub's, the box does not appear: run the notebook.)

# %%
import ipywidgets as widgets

query_box = widgets.Text(value="marriage", description="Query:", continuous_update=False,
                         placeholder="a few words, then Enter")
results_out = widgets.Output()


def on_query_change(change):
    with results_out:
        results_out.clear_output(wait=True)
        show_results(change["new"], k=8)


query_box.observe(on_query_change, names="value")
on_query_change({"new": query_box.value})
display(widgets.VBox([query_box, results_out]))

# %% [markdown]
# ## Summary
#
# * **One-hot**: a word is a vector with a single 1; unknown words give zeros. All words
#   are equally different, and the vectors are as long as the vocabulary.
# * **Bag of words**: a document is the sum of its one-hot rows, i.e. word counts; word
#   order is lost.
# * **TF-IDF**: counts × idf, with idf = ln((1+n)/(1+df)) + 1 (scikit-learn's default),
#   then each row scaled to length 1. Rare words weigh more than *the*.
# * **Cosine similarity** compares directions, not lengths; with L2-normalised rows it is a
#   dot product, and for many documents at once one matrix product. Its **gradient** with
#   respect to $a$, $(\hat b - \cos(a, b)\, \hat a) / \lVert a \rVert$, is perpendicular
#   to $a$: a step along it turns $a$ towards $b$, the move that training embeddings repeats.
# * These vectors are **sparse** (0.4 % non-zeros here): store them as scipy sparse
#   matrices. In high dimensions **distances concentrate**, and TF-IDF only sees shared
#   words, not related meanings (*bride* vs *marriage*).
#
# **Next:** notebook 02 learns dense word vectors from text, where *bride* and
# *marriage* can end up close.
#
# ## Check your understanding
#
# **1.** Why does scikit-learn add 1 after the logarithm in the idf? What would happen to
# the word *n* (the "n." for noun, found in 827 of the 997 entries) and to a word found in
# every entry without it?
#
# <details><summary>Answer</summary>
#
# Without the $+1$, idf $= \ln\frac{1+n}{1+\mathrm{df}}$, which is exactly 0 for a word in
# every document, so that word would disappear from every vector. *n* would keep only
# $\ln(998/828) \approx 0.19$. With the $+1$ such words keep a small weight (1, or 1.19)
# compared with rare words (up to $\ln(998/2) + 1 \approx 7.2$): they matter less but
# still count, which makes the weights less brittle.
# </details>
#
# **2.** Two entries have the same words, but every count of the second is twice the
# first's ("a b" and "a b a b"). On their raw count vectors, what is their cosine
# similarity, and how does their dot product compare with the shorter entry's dot
# product with itself?
#
# <details><summary>Answer</summary>
#
# Their cosine is exactly 1: doubling every count doubles the vector's length but keeps
# its direction, and cosine divides the length out. (After `tfidf`'s L2 normalisation the
# two rows are even identical.) On raw counts the dot product would be 2 times the
# shorter one's dot product with itself (and half the longer one's): the dot product
# rewards length, which is why we rank by cosine.
# </details>
#
# **3.** A colleague builds a one-hot matrix for every token of a 1-million-word
# corpus with a 50,000-word vocabulary, as a dense float64 NumPy array. How much memory
# is that, and what would you do instead?
#
# <details><summary>Answer</summary>
#
# $10^6 \times 5 \times 10^4 \times 8$ bytes $= 4 \times 10^{11}$ bytes, 400 GB. Each row
# holds a single 1, so store only the column index of each token (a 1-million-entry
# integer array, 8 MB), or a sparse matrix; to count words, go straight to bag-of-words
# counts as `bag_of_words` does, or use scikit-learn's `CountVectorizer`, which returns
# a sparse matrix.
# </details>
#
# **4.** Searching *dog* ranks **reverence** above the entry **dog** itself. Is that a bug
# in `search`?
#
# <details><summary>Answer</summary>
#
# No. The query vector has a single non-zero entry, so its cosine with an entry is that
# entry's (normalised) TF-IDF weight for *dog*. **reverence** is short (17 words with its
# headword) and
# mentions *dog* once, so *dog* is a large part of its vector; the entry **dog** is long and spreads
# its weight over many other words. Cosine measures how much of a document's direction
# is the query's, not whether the document is "about" the query.
# </details>
#
# **5.** Your `cosine_grad(a, b)` is always perpendicular to `a`. Why must it be, whatever
# `b` is?
#
# <details><summary>Answer</summary>
#
# Moving $a$ along its own direction only makes it longer or shorter, and the cosine does
# not depend on lengths: $\cos(2a, b) = \cos(a, b)$. So the derivative of the cosine in the
# direction of $a$, which is $\hat a \cdot \nabla_a \cos(a, b)$, is 0. All the change
# comes from turning $a$, and turning is a move perpendicular to $a$.
# </details>
#
# ## Further reading
#
# * Jurafsky and Martin, *Speech and Language Processing* (3rd ed. draft), chapter 6
#   "Vector Semantics and Embeddings", sections on TF-IDF and cosine:
#   <https://web.stanford.edu/~jurafsky/slp3/>
# * Manning, Raghavan and Schütze, *Introduction to Information Retrieval*, chapter 6
#   "Scoring, term weighting and the vector space model" (free online):
#   <https://nlp.stanford.edu/IR-book/>
# * scikit-learn user guide, "Text feature extraction" (bag of words, TF-IDF, the exact
#   formulas): <https://scikit-learn.org/stable/modules/feature_extraction.html#text-feature-extraction>
# * Beyer, Goldstein, Ramakrishnan and Shaft (1999), "When Is 'Nearest Neighbor'
#   Meaningful?", the classic paper on distance concentration in high dimensions.

# %%
print(f"Notebook ran in {time.perf_counter() - notebook_started:.1f} s.")
