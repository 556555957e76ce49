"""Industry-wide cyber exercises (公助, the FSA's Delta Wall exercise; docs/exercise.md): the scenario
library with its master event list and management decision points, imported and exported as the
planners' .xlsx."""
