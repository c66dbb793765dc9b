"""The four shared stores (entity register, approvals, credit, licences) and the data-sharing API."""
