#!/bin/bash
# The logging choice's cold start (docs/BENCHMARKS.md, "Logging"): one JVM per run, from spawn to the first JSON line
# written with the MDC and a key-value pair, for slf4j-simple (text, the old logging), Pulse's provider, Logback's
# JsonEncoder and Log4j 2's JsonTemplateLayout; the Lambda cold-start JVM flags; variants interleaved so the machine's
# load hits all alike. Usage: docs/bench/logging/run.sh [runs]   (after mvn install; extra Maven flags in MVN_FLAGS)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$here/../../.."; out="$root/local/target/logging-bench"
mkdir -p "$out"; cd "$out"
for a in org.slf4j:slf4j-api:2.0.16 org.slf4j:slf4j-simple:2.0.16 com.fasterxml.jackson.core:jackson-core:2.18.3 \
         ch.qos.logback:logback-classic:1.5.18 ch.qos.logback:logback-core:1.5.18 \
         org.apache.logging.log4j:log4j-api:2.25.3 org.apache.logging.log4j:log4j-core:2.25.3 \
         org.apache.logging.log4j:log4j-layout-template-json:2.25.3 org.apache.logging.log4j:log4j-slf4j2-impl:2.25.3; do
  [ -f "$(echo "$a" | cut -d: -f2)-$(echo "$a" | cut -d: -f3).jar" ] || mvn -B -q ${MVN_FLAGS:-} dependency:copy -Dartifact="$a" -DoutputDirectory=.
done
javac -cp slf4j-api-2.0.16.jar -d . "$here/Probe.java"
declare -A CP=(
  [slf4j-simple]=".:slf4j-api-2.0.16.jar:slf4j-simple-2.0.16.jar"
  [pulse]=".:slf4j-api-2.0.16.jar:$root/shared/target/classes:jackson-core-2.18.3.jar"
  [logback-json]=".:slf4j-api-2.0.16.jar:logback-classic-1.5.18.jar:logback-core-1.5.18.jar"
  [log4j2-json]=".:slf4j-api-2.0.16.jar:log4j-api-2.25.3.jar:log4j-core-2.25.3.jar:log4j-layout-template-json-2.25.3.jar:log4j-slf4j2-impl-2.25.3.jar"
)
variants=(slf4j-simple pulse logback-json log4j2-json)
: > results.txt
for _ in $(seq 1 "${1:-11}"); do
  for v in "${variants[@]}"; do
    start=$(date +%s%N)
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dlogback.configurationFile="$here/logback.xml" \
      -Dlog4j2.configurationFile="$here/log4j2.xml" -cp "${CP[$v]}" Probe > "out-$v.txt" 2>&1
    end=$(date +%s%N)
    grep -q '^DONE$' "out-$v.txt" || { echo "$v failed:"; cat "out-$v.txt"; exit 1; }
    echo "$v $(( (end - start) / 1000000 ))" >> results.txt
  done
done
for v in "${variants[@]}"; do
  grep "^$v " results.txt | awk '{print $2}' | sort -n | awk -v v="$v" '{a[NR]=$1} END {printf "%-13s median %5d ms  min %5d ms  max %5d ms  (%d runs)\n", v, a[int((NR+1)/2)], a[1], a[NR], NR}'
done
head -c 300 out-pulse.txt
