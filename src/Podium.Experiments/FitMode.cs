using Podium.Nn.Training.Callbacks;

namespace Podium.Experiments;

/// <summary>How long a run trains: every epoch asked for, or until validation loss stops improving.</summary>
public enum FitMode
{
    /// <summary>Train every epoch (the prototype's "nostop").</summary>
    NoStop,

    /// <summary>Stop when validation loss has not improved for <see cref="RunSpec.Patience"/> epochs (the prototype's "early").</summary>
    EarlyStopping,
}
