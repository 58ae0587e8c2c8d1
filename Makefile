# The two commands a user needs. Both do their own set-up on a new Debian machine.
#   make run   run the bundle on the embedded warehouse (drop files into inbox/)
#   make test  run the whole test suite
MVN ?= mvn -B -q
JAR := target/dicom-bq.jar

.PHONY: run test setup build clean

setup:
	@./scripts/setup.sh

build: setup
	$(MVN) package -DskipTests

run: build
	java $(JAVA_OPTS) -jar $(JAR)

test: setup
	mvn -B test

clean:
	rm -rf target
