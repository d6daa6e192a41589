package io.github.eegstream.model;

/** Creates a model from its name in a job spec. */
public final class PredictionModels {

    private PredictionModels() {}

    /**
     * @throws IllegalArgumentException naming the models available, so a job fails at start, not per window
     */
    public static PredictionModel create(String name) {
        if (IndexModel.NAME.equals(name)) {
            return new IndexModel();
        }
        throw new IllegalArgumentException("unknown model '" + name + "': available models are " + IndexModel.NAME);
    }
}
