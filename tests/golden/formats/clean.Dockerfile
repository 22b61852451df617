FROM alpine:3.20
USER 65534
CMD ["true"]
