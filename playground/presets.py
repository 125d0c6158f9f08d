"""Workshop presets: named settings a presenter opens by name or by link, each showing one point.

A preset is a :class:`~playground.trainer.Config` (built with ``Config.replace`` on
``state.DEFAULT``, so it round-trips exactly through the URL), how many epochs to train to see
its point, a short explanation for the learner and what to look at. Most presets also carry a
``contrast``: the same run with the one change that makes the problem go away.

``preset_query(slug)`` gives the URL parameters (``state.config_to_query`` plus
``"preset": slug``); ``find(slug)`` looks a preset up and returns None for an unknown name.

The numbers quoted in the texts are those of the fixed seeds below; ``tests/test_presets.py``
trains every preset and checks that it still shows its point.
"""

from __future__ import annotations

import dataclasses

from playground import state
from playground.trainer import Config

DEFAULT = state.DEFAULT


@dataclasses.dataclass(frozen=True)
class Preset:
    """One workshop demonstration."""

    slug: str  # the name in links: ``?preset=<slug>``
    title: str
    explanation: str  # two or three plain sentences for a learner
    config: Config
    epochs: int  # train this far to see the point
    what_to_look_at: str
    contrast: Config | None = None  # the same run with the one change that fixes it
    contrast_label: str = ""  # what that change is, in a few words


def _sigmoid_layers(n: int, units: int) -> dict:
    return {"hidden": (units,) * n, "activations": ("sigmoid",) * n}


_XOR_LINEAR = DEFAULT.replace(dataset="xor", hidden=(), activations=(), alpha=0.3)
_VANISHING = DEFAULT.replace(alpha=0.1, **_sigmoid_layers(6, 8))
_TOO_LARGE = DEFAULT.replace(alpha=10.0)
_ZERO_INIT = DEFAULT.replace(
    dataset="moons", activations=("sigmoid", "sigmoid"), init="zeros", alpha=3.0
)
_DEAD_RELU = DEFAULT.replace(hidden=(8, 8, 8), activations=("relu",) * 3, alpha=3.0)
_OVERFIT = DEFAULT.replace(
    dataset="xor", n_samples=80, noise=0.5, hidden=(16, 16), activations=("tanh", "tanh"), alpha=0.1
)
_THREE_SPIRALS = DEFAULT.replace(dataset="spiral", classes=3, n_samples=1000, alpha=1.0)

_ALL = (
    Preset(
        slug="xor-needs-hidden",
        title="XOR needs a hidden layer",
        explanation=(
            "In XOR the class depends on whether x1 and x2 have the same sign, so no single "
            "straight line separates the two classes. Without a hidden layer the output unit "
            "is sigmoid(W1 x + B1): its boundary W1 x + B1 = 0 is one straight line, however "
            "it is trained. Bending the boundary needs hidden units with a non-linear "
            "activation such as tanh."
        ),
        config=_XOR_LINEAR,
        epochs=1000,
        what_to_look_at=(
            "The accuracy stops near 70% and the decision boundary stays one straight line, "
            "however long you train. Then set the hidden layers to 4,4 with tanh (the "
            "contrast): the accuracy reaches 100% and the boundary bends around the quadrants."
        ),
        contrast=_XOR_LINEAR.replace(hidden=(4, 4), activations=("tanh", "tanh")),
        contrast_label="hidden layers 4,4 with tanh",
    ),
    Preset(
        slug="vanishing-sigmoid",
        title="Vanishing gradients with sigmoid",
        explanation=(
            "Going backwards, each layer multiplies dZ by the derivative of its activation, "
            "and the sigmoid's derivative A(1 - A) is at most 1/4. Through six sigmoid layers "
            "the signal reaching W1 is thousands of times weaker than at the output, so the "
            "first layers hardly learn and the network stays stuck."
        ),
        config=_VANISHING,
        epochs=300,
        what_to_look_at=(
            "The gradient norms at the first epochs: each layer's ||dWk|| is 2 to 5 times "
            "smaller than the next one's, and ||dW1|| is about 2,000 times smaller than "
            "||dW7||. The cost stays flat at 0.693 (a coin toss). With tanh in the same six "
            "layers (the contrast) the cost falls to almost 0."
        ),
        contrast=_VANISHING.replace(activations=("tanh",) * 6),
        contrast_label="the same six layers with tanh",
    ),
    Preset(
        slug="too-large-alpha",
        title="Too large a learning rate",
        explanation=(
            "Each update moves the weights by alpha times the gradient. When alpha is too "
            "large, a step jumps right over the valley of the cost and lands higher on the "
            "other side, so the cost bounces up and down instead of going down."
        ),
        config=_TOO_LARGE,
        epochs=200,
        what_to_look_at=(
            "The cost curve: with alpha = 10 it zig-zags and jumps to several times its "
            "starting value, and the accuracy never settles. Set alpha back to 0.3 (the "
            "contrast) and the same network's cost falls smoothly."
        ),
        contrast=_TOO_LARGE.replace(alpha=DEFAULT.alpha),
        contrast_label="alpha = 0.3",
    ),
    Preset(
        slug="zero-init",
        title="Zero initialisation and symmetry",
        explanation=(
            "When every weight starts at zero, every unit of a layer computes the same value "
            "and receives the same gradient, so every update keeps them identical. However "
            "many units a layer has, it behaves like a single unit."
        ),
        config=_ZERO_INIT,
        epochs=2000,
        what_to_look_at=(
            "The weights: all rows of W1 stay equal, all entries of W2 and W3 stay equal, "
            "and the four units of each layer draw the same picture. The network waits on a "
            "plateau for about a thousand epochs and then only reaches about 88% on the "
            "moons, the best one unit per layer can do; with Xavier initialisation (the "
            "contrast) it reaches 100%."
        ),
        contrast=_ZERO_INIT.replace(init="xavier"),
        contrast_label="Xavier initialisation",
    ),
    Preset(
        slug="dead-relu",
        title="Dead ReLUs",
        explanation=(
            "A ReLU outputs 0 whenever its input Z is negative, and then its derivative is 0 "
            "too. A too large step can push a unit's weights to where Z is negative for every "
            "point; from then on it receives no gradient and never recovers: it is dead."
        ),
        config=_DEAD_RELU,
        epochs=200,
        what_to_look_at=(
            "The hidden units' pictures: after a few dozen epochs with alpha = 3 most units "
            "of the second and third layers are flat 0 for every point, and the whole last "
            "hidden layer is dead, so the output is the same everywhere (51% accuracy). With "
            "alpha = 0.3 (the contrast) almost every unit stays alive and the accuracy "
            "reaches 100%."
        ),
        contrast=_DEAD_RELU.replace(alpha=DEFAULT.alpha),
        contrast_label="alpha = 0.3",
    ),
    Preset(
        slug="overfitting-noise",
        title="Overfitting with noise",
        explanation=(
            "With only 40 noisy training points and 337 weights and biases, the network can "
            "bend its boundary around every single point, noise included. The training cost keeps "
            "falling, but the test cost, measured on points the network never trains on, "
            "starts rising once it learns the noise instead of the pattern."
        ),
        config=_OVERFIT,
        epochs=3000,
        what_to_look_at=(
            "The two cost curves: the test cost is lowest after about 360 epochs (0.33) and "
            "then climbs above 1 while the training cost keeps falling towards 0; the test "
            "accuracy drops from 90% to 75%. With L2 regularisation 1 (the contrast) the "
            "test cost no longer rises."
        ),
        contrast=_OVERFIT.replace(l2=1.0),
        contrast_label="L2 regularisation 1",
    ),
    Preset(
        slug="three-spirals",
        title="Three spirals",
        explanation=(
            "With three classes the output layer has three units, and a softmax turns their "
            "Z3 into three probabilities that sum to 1; the cost is -1/m sum(Y log A3), and "
            "backprop starts from the same dZ3 = A3 - Y as with two classes, now 3 × 500. "
            "The three arms wind around each other, so the boundaries between the classes "
            "must bend a lot. Four units per hidden layer are too few to follow them."
        ),
        config=_THREE_SPIRALS,
        epochs=3000,
        what_to_look_at=(
            "The cost starts near ln 3 = 1.10, the cost of guessing 1/3 for every class. The "
            "decision boundary, coloured by the winning class: with 4 and 4 tanh units it "
            "cuts the plane into broad regions that slice across the arms, and the training "
            "accuracy never passes 62% (guessing gets 33%). The network has three output "
            "units, one per class: W3 is 3 × 4. With 16 and 16 units (the contrast) the "
            "three regions wind along the arms: 99.8% of the training points and 97% of the "
            "test points are right."
        ),
        contrast=_THREE_SPIRALS.replace(hidden=(16, 16)),
        contrast_label="hidden layers 16,16",
    ),
)

PRESETS: dict[str, Preset] = {p.slug: p for p in _ALL}


def find(slug: str | None) -> Preset | None:
    """The preset named ``slug``, or None (for None or an unknown name)."""
    return PRESETS.get(slug) if isinstance(slug, str) else None


def preset_query(slug: str, contrast: bool = False) -> dict[str, str]:
    """URL parameters that open the preset: its config's parameters and ``"preset": slug``.

    With ``contrast=True``, the parameters of the preset's contrast run instead (still tagged
    with the preset's slug). Raises ValueError for an unknown slug or a missing contrast.
    """
    preset = find(slug)
    if preset is None:
        raise ValueError(f"unknown preset {slug!r}; choose one of {', '.join(PRESETS)}")
    config = preset.config
    if contrast:
        if preset.contrast is None:
            raise ValueError(f"preset {slug!r} has no contrast run")
        config = preset.contrast
    return {**state.config_to_query(config), "preset": slug}


__all__ = ["PRESETS", "Preset", "find", "preset_query"]
