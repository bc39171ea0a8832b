"""What every app uses: form bases and error mapping (forms), rules written once with their French message
(validation), French formatting of dates and amounts (formatting). It imports no app of the project."""
