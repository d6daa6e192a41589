package io.github.eegstream.model;

/** What the analysis remembers of a user between windows. A Flink POJO kept in keyed state. */
public final class UserState {

    private Calibration calibration = new Calibration();
    private AlertState alerts = new AlertState();

    public Calibration getCalibration() {
        return calibration;
    }

    public void setCalibration(Calibration calibration) {
        this.calibration = calibration;
    }

    public AlertState getAlerts() {
        return alerts;
    }

    public void setAlerts(AlertState alerts) {
        this.alerts = alerts;
    }
}
