#!/bin/sh
# Stands in for the unit tests when configure found no cmocka: a TAP plan
# that skips them and says why, instead of a build failure.
echo "1..0 # SKIP unit tests: configure found no cmocka (apt-get install libcmocka-dev)"
