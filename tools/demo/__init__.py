"""The demo estate's generator and its expected verdicts; the estate itself ships in scanner/demo/estate."""
