#!/bin/bash
# The metrics writer's cold start (docs/BENCHMARKS.md, "Metrics"): one JVM per run, from spawn to one EMF document
# written, for Powertools' powertools-metrics 2.5.0 and Pulse's EmfMetrics; the Lambda cold-start JVM flags; the two
# interleaved. Usage: docs/bench/metrics/run.sh [runs]   (after mvn install; extra Maven flags in MVN_FLAGS)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$here/../../.."; out="$root/local/target/metrics-bench"
mkdir -p "$out"
mvn -B -q ${MVN_FLAGS:-} -f "$here/pom.xml" dependency:build-classpath -Dmdep.outputFile="$out/powertools.classpath"
pulse_cp="$root/shared/target/classes:$(ls "$root"/functions/target/functions-*-lambda.jar | head -1)"
powertools_cp="$(cat "$out/powertools.classpath")"
javac -d "$out" -cp "$powertools_cp" "$here/PowertoolsProbe.java"
javac -d "$out" -cp "$pulse_cp" "$here/PulseProbe.java"
cd "$out"; : > results.txt
for _ in $(seq 1 "${1:-11}"); do
  for v in pulse powertools; do
    if [ "$v" = pulse ]; then cp=".:$pulse_cp"; main=PulseProbe; else cp=".:$powertools_cp"; main=PowertoolsProbe; fi
    start=$(date +%s%N)
    # As on Lambda: aws-embedded-metrics picks its stdout sink by this variable (elsewhere it looks for an agent).
    AWS_LAMBDA_FUNCTION_NAME=probe PULSE_LOG_LEVEL=warn java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$cp" "$main" > "out-$v.txt" 2>&1
    end=$(date +%s%N)
    grep -q '^DONE$' "out-$v.txt" || { echo "$v failed:"; cat "out-$v.txt"; exit 1; }
    echo "$v $(( (end - start) / 1000000 ))" >> results.txt
  done
done
for v in pulse powertools; do
  grep "^$v " results.txt | awk '{print $2}' | sort -n | awk -v v="$v" '{a[NR]=$1} END {printf "%-11s median %5d ms  min %5d ms  max %5d ms  (%d runs)\n", v, a[int((NR+1)/2)], a[1], a[NR], NR}'
done
echo "jars Powertools adds beyond the Lambda jar's: $(tr ':' '\n' < powertools.classpath | grep -E 'powertools|embedded-metrics|commons-lang3|javatuples|jsr310' | xargs ls -l | awk '{s+=$5} END {print s}') bytes"
head -c 400 out-powertools.txt; head -c 400 out-pulse.txt
